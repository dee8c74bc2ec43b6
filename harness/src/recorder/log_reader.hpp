// SPDX-License-Identifier: Apache-2.0
// log_reader.hpp: reading a recorder log back, streaming and bounded.
//
//   log_summary s = read_log("io.jsonl", [&](log_entry&& e) {
//     if (const io_op* op = std::get_if<io_op>(&e)) fmt::print("{} {}\n", describe(*op), result_text(*op));
//   });
//   if (!s.complete) ...   // no end line: the recorder was killed while writing
//
// The file is read a chunk at a time and each line parsed on its own, so a
// log of any length costs constant memory. Anything that is not a log this
// reader understands throws log_error naming the file, line and column: a
// line longer than limits.max_line_bytes, nested JSON, a missing or mistyped
// field, an unknown call name, more entries than limits.max_entries, a
// non-regular file (a FIFO would block for ever). Unknown fields are ignored,
// so newer recorders can add some.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "recorder/io_op.hpp"

namespace crashpoint::recorder {

class log_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct log_limits {
  std::size_t max_line_bytes = 1 << 20;
  std::uint64_t max_entries = UINT64_MAX;
};

struct log_summary {
  std::string root;  // the recorder's --root, absolute
  std::uint64_t entries = 0;
  bool complete = false;    // ends with the "end" line
  std::uint64_t calls = 0;  // the end line's count of modelled calls (when complete)
};

using log_callback = std::function<void(log_entry&&)>;

log_summary read_log(const std::filesystem::path& path, const log_callback& on_entry,
                     const log_limits& limits = {});
// The same from text in memory; `name` prefixes error messages.
log_summary read_log_text(std::string_view text, std::string_view name, const log_callback& on_entry,
                          const log_limits& limits = {});

}  // namespace crashpoint::recorder

namespace crashpoint::recorder {

// One call line's text (as in the log, or the result file's "call") to an
// io_op; throws log_error with the message alone.
io_op parse_call_line(std::string_view line);

}  // namespace crashpoint::recorder
