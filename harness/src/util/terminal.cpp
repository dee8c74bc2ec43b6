// SPDX-License-Identifier: Apache-2.0
// terminal.cpp: --color and NO_COLOR (see terminal.hpp).
#include "util/terminal.hpp"

#include <unistd.h>

#include <cstdlib>

namespace crashpoint::harness {

colour_mode colour_mode_of(std::string_view text) {
  if (text == "always") return colour_mode::always;
  if (text == "never") return colour_mode::never;
  return colour_mode::automatic;
}

std::string painted(bool colour, std::string_view sgr, std::string_view text) {
  if (!colour) return std::string(text);
  std::string out = "\033[";
  out.append(sgr).append("m").append(text).append("\033[0m");
  return out;
}

bool is_terminal(std::FILE* stream) { return ::isatty(::fileno(stream)) != 0; }

bool use_colour(colour_mode mode, std::FILE* stream) {
  if (mode != colour_mode::automatic) return mode == colour_mode::always;
  const char* no_colour = std::getenv("NO_COLOR");
  return is_terminal(stream) && (no_colour == nullptr || *no_colour == '\0');
}

}  // namespace crashpoint::harness
