// SPDX-License-Identifier: Apache-2.0
// errno_names.cpp: errno names (see errno_names.hpp).
#include "recorder/errno_names.hpp"

#include <string.h>

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

}  // namespace crashpoint::recorder
