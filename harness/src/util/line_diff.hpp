// SPDX-License-Identifier: Apache-2.0
// line_diff.hpp: how two multi-line texts differ, as a failure message shows it.
//
// When `stdout_equals`, a file's `equals` or `equals_file` fails on text of
// several lines, two quoted blobs hide the one line that differs. The message
// shows a compact unified diff instead, expected against actual:
//
//   @@ -2,3 +2,3 @@
//    b=2
//   -c=3
//   +c=4
//    d=4
//
// with up to 3 lines of context around each change, lines escaped as quote()
// escapes them (a tab shows as \t, a NUL as \x00) and cut at 160 bytes, and
// at most 40 lines in all: what is left out is counted on a last line.
// A last line without a newline is marked "\ no newline at the end".
// Long texts are compared line by line where they differ (common first and
// last lines are skipped first); a changed stretch of more than 2,000 lines
// on a side is shown as removed and added whole.
#pragma once

#include <string>
#include <string_view>

namespace crashpoint::harness {

// Whether `text` has more than one line (a final newline does not start one).
bool is_multi_line(std::string_view text);

// The diff from `expected` to `actual`, lines joined by '\n' (no final one);
// empty when they are equal.
std::string line_diff(std::string_view expected, std::string_view actual);

}  // namespace crashpoint::harness
