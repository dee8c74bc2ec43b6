// SPDX-License-Identifier: Apache-2.0
// detail_bounds.hpp: failure details cut down to a size people and reports can hold.
//
// A failed run's details quote what its programs wrote: stderr tails, file
// contents, expected against actual. The capture already keeps at most 1 MiB
// per stream, but that can be one line, and a session can fail hundreds of
// runs. So before a result leaves the runner, every line of its reason and
// details keeps only its first and last bytes, and the run's details stop at a
// total; what is cut is said in place:
//
//   stderr (last lines):
//     xxxxxxxx…(512 bytes)[crashpoint: 2096128 bytes omitted]…(512 bytes)xxxxxxxx
//   [crashpoint: 40960 bytes omitted]        <- the details past the run's total
//
// The memory a session keeps, the console and both reports all see only the
// bounded text. Cuts never split a UTF-8 sequence.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace crashpoint::harness {

inline constexpr std::size_t detail_line_limit = 1024;       // bytes kept of one line
inline constexpr std::size_t run_details_limit = 32 * 1024;  // bytes kept of a run's details

// `text` with every line longer than `line_limit` bytes cut to its first and
// last line_limit/2 bytes around "[crashpoint: N bytes omitted]".
std::string bound_lines(std::string_view text, std::size_t line_limit = detail_line_limit);

// Each detail's lines bounded as above; once the details reach `total_limit`
// bytes, the lines after are dropped and a last detail
// "[crashpoint: N bytes omitted]" counts the bytes they held.
void bound_details(std::vector<std::string>& details, std::size_t line_limit = detail_line_limit,
                   std::size_t total_limit = run_details_limit);

}  // namespace crashpoint::harness
