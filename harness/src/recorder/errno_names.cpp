// SPDX-License-Identifier: Apache-2.0
// errno_names.cpp: errno names (see errno_names.hpp).
#include "recorder/errno_names.hpp"

#include <string.h>

#include <algorithm>
#include <array>
#include <utility>

namespace crashpoint::recorder {

namespace {

constexpr int max_errno = 4095;  // the kernel's -MAX_ERRNO bound on error returns

// Not errnos user space defines: the kernel returns them to a tracer when a
// call was interrupted by a signal and will be restarted (or become EINTR).
constexpr std::array<std::pair<int, std::string_view>, 5> restart_codes{{
    {512, "ERESTARTSYS"},
    {513, "ERESTARTNOINTR"},
    {514, "ERESTARTNOHAND"},
    {515, "ENOIOCTLCMD"},
    {516, "ERESTART_RESTARTBLOCK"},
}};

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string_view errno_name(int error) {
  for (const auto& [code, text] : restart_codes) {
    if (code == error) return text;
  }
  if (error <= 0 || error > max_errno) return {};
  const char* text = ::strerrorname_np(error);
  return text == nullptr ? std::string_view{} : std::string_view{text};
}

std::optional<int> errno_from_name(std::string_view text) {
  for (int e = 1; e < restart_codes.front().first; ++e) {
    const char* known = ::strerrorname_np(e);
    if (known != nullptr && text == known) return e;
  }
  return std::nullopt;
}

std::vector<std::string_view> injectable_errno_names() {
  std::vector<std::string_view> out;
  for (int e = 1; e < restart_codes.front().first; ++e) {
    if (const char* known = ::strerrorname_np(e)) out.emplace_back(known);
  }
  return out;
}

std::string closest_name(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_distance = 0;
  for (std::string_view c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (best.empty() || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  // A typo, not a different word: at most a third of the word changed.
  if (best.empty() || best_distance == 0 || best_distance > std::max<std::size_t>(1, word.size() / 3)) return {};
  return std::string(best);
}

}  // namespace crashpoint::recorder
