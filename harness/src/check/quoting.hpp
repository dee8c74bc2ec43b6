// SPDX-License-Identifier: Apache-2.0
// quoting.hpp: a value a check found, as a failure message quotes it: escaped,
// in double quotes, and cut around the middle when long, so that one quote
// fits one detail line (detail_bounds.hpp).
//
//   quote("ok\n")  == "\"ok\\n\""
//   quote(2 MiB of x) == "\"xxx...[... 2096672 bytes ...]xxx\""
#pragma once

#include <string>
#include <string_view>

#include "check/file_pieces.hpp"

namespace crashpoint::harness {

// `text` quoted for a message, shortened around the middle when long.
std::string quote(std::string_view text);
// The same for a text known by its first and last bytes (file_pieces.hpp).
std::string quote_sample(const text_sample& sample);

}  // namespace crashpoint::harness
