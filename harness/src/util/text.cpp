// SPDX-License-Identifier: Apache-2.0
#include "util/text.hpp"

#include <sstream>
#include <vector>

namespace crashpoint::harness {

std::string shell_quote(const std::string& text) {
  const bool safe =
      !text.empty() &&
      text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,") ==
          std::string::npos;
  if (safe) return text;
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string in_double_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string tail_lines(const std::string& text, std::size_t max_lines, std::string_view indent) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  const std::size_t first = lines.size() > max_lines ? lines.size() - max_lines : 0;
  std::string out;
  for (std::size_t i = first; i < lines.size(); ++i) {
    out.append(indent).append(lines[i]).append("\n");
  }
  return out.empty() ? std::string(indent) + "(empty)\n" : out;
}

}  // namespace crashpoint::harness
