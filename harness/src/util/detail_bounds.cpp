// SPDX-License-Identifier: Apache-2.0
// detail_bounds.cpp: lines cut around a marker, details cut at a total (see detail_bounds.hpp).
#include "util/detail_bounds.hpp"

#include "util/utf8.hpp"

namespace crashpoint::harness {
namespace {

std::string omitted_marker(std::size_t bytes) {
  return "[crashpoint: " + std::to_string(bytes) + " bytes omitted]";
}

// One line (no newline) cut to its first and last limit/2 bytes.
std::string bound_line(std::string_view line, std::size_t limit) {
  if (line.size() <= limit) return std::string(line);
  std::size_t head_end = limit / 2, tail_start = line.size() - limit / 2;
  while (head_end > 0 && is_utf8_continuation(line[head_end])) --head_end;
  while (tail_start < line.size() && is_utf8_continuation(line[tail_start])) ++tail_start;
  return std::string(line.substr(0, head_end)) + omitted_marker(tail_start - head_end) +
         std::string(line.substr(tail_start));
}

// Calls f(line, ends_with_newline) for each line of `text`.
template <typename F>
void for_each_line(std::string_view text, F f) {
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    if (eol == std::string_view::npos) {
      f(text, false);
      return;
    }
    f(text.substr(0, eol), true);
    text.remove_prefix(eol + 1);
  }
}

}  // namespace

std::string bound_lines(std::string_view text, std::size_t line_limit) {
  std::string out;
  for_each_line(text, [&](std::string_view line, bool newline) {
    out += bound_line(line, line_limit);
    if (newline) out += '\n';
  });
  return out;
}

void bound_details(std::vector<std::string>& details, std::size_t line_limit, std::size_t total_limit) {
  std::vector<std::string> out;
  std::size_t used = 0, omitted = 0;
  for (const std::string& detail : details) {
    std::string kept;
    for_each_line(detail, [&](std::string_view line, bool newline) {
      std::string bounded = bound_line(line, line_limit);
      if (newline) bounded += '\n';
      if (omitted == 0 && used + bounded.size() <= total_limit) {
        used += bounded.size();
        kept += bounded;
      } else {
        omitted += line.size() + (newline ? 1 : 0);
      }
    });
    if (!kept.empty()) out.push_back(std::move(kept));
  }
  if (omitted > 0) out.push_back(omitted_marker(omitted));
  details = std::move(out);
}

}  // namespace crashpoint::harness
