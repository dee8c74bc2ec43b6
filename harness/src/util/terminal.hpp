// SPDX-License-Identifier: Apache-2.0
// terminal.hpp: whether console output gets colour (`--color`, NO_COLOR).
//
//   --color=auto    (the default) colour when the stream is a terminal and
//                   NO_COLOR is unset or empty (https://no-color.org)
//   --color=always  colour even into a pipe or a file (a CI log that renders it)
//   --color=never   no escape sequences at all
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace crashpoint::harness {

enum class colour_mode { automatic, always, never };

// "auto", "always" or "never" (as --color takes them); anything else: automatic.
colour_mode colour_mode_of(std::string_view text);

bool is_terminal(std::FILE* stream);

// Whether text written to `stream` gets colour under `mode`.
bool use_colour(colour_mode mode, std::FILE* stream);

// `text` in the colour of the SGR code `sgr` ("31" red, "31;1" bold red)
// when `colour`, else `text` as it is.
std::string painted(bool colour, std::string_view sgr, std::string_view text);

}  // namespace crashpoint::harness
