// SPDX-License-Identifier: Apache-2.0
// placeholders.cpp: single-pass substitution (a value is never re-expanded).
#include "scenario/placeholders.hpp"

namespace crashpoint::harness {

std::string expand(std::string_view text, const placeholder_values& values) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find('{', i);
    const std::size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(text.substr(i, open - i));
    const auto it = values.find(text.substr(open + 1, close - open - 1));
    if (it != values.end()) {
      out += it->second;
      i = close + 1;
    } else {
      out += '{';
      i = open + 1;
    }
  }
  out.append(text.substr(i));
  return out;
}

std::vector<std::string> expand(const std::vector<std::string>& argv, const placeholder_values& values) {
  std::vector<std::string> out;
  out.reserve(argv.size());
  for (const std::string& arg : argv) out.push_back(expand(arg, values));
  return out;
}

}  // namespace crashpoint::harness
