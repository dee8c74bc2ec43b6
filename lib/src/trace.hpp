// SPDX-License-Identifier: Apache-2.0
// trace.hpp: the trace file named by CRASHPOINT_TRACE (or <VAR>_TRACE).
//
// Each checkpoint reached appends one line with one write(2) to a file opened
// with O_APPEND, so threads and processes (even concurrent ones) can share a
// file without interleaving lines:
//
//     PID KIND HIT OUTCOME NAME
//     4242 panic 1 pass log_after_append
//     4242 panic 2 abort log_after_append
//
// KIND is `panic` or `fail`; HIT counts that name's calls in this process from
// 1; OUTCOME is `pass` (not fired), the action that fired (`abort`, `kill`,
// `exit(3)`, `throw`, `error`, `sleep(10)`), or `misconfigured`. NAME is last
// so that it may hold any character but a newline.
//
// trace_writer writes these lines; parse_trace_line is the one reader of them
// (the harness reads traces with it), so the two sides share this file.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace crashpoint::detail {

enum class point_kind { panic, fail };

class trace_writer {
 public:
  // Opens `path` for appending; an empty path disables tracing. A file that
  // cannot be opened is reported once on stderr (prefix: `var`).
  void open(const std::string& path, std::string_view var);
  bool enabled() const noexcept { return fd_ >= 0; }

  // Counts a hit of `name` in this process and returns its number (from 1).
  std::uint64_t next_hit(std::string_view name);
  void record(point_kind kind, std::uint64_t hit, std::string_view outcome, std::string_view name) const;

 private:
  int fd_ = -1;
  std::mutex mutex_;
  std::unordered_map<std::string, std::uint64_t> hits_;
};

// One line of a trace, parsed. The views point into the line given.
struct trace_line {
  std::uint64_t pid = 0;
  point_kind kind = point_kind::panic;
  std::uint64_t hit = 0;
  std::string_view outcome;
  std::string_view name;
  // Whether the checkpoint fired: an outcome other than `pass`,
  // `misconfigured` or a `sleep(MS)` (which returns as if it had not).
  bool fired() const noexcept;
};

// Parses one line, without its newline, as trace_writer::record writes it:
// `PID KIND HIT OUTCOME NAME`, single spaces, NAME the (non-empty) rest.
// Nothing for anything else.
std::optional<trace_line> parse_trace_line(std::string_view line) noexcept;

// Writes all of `text` to `fd`, retrying on EINTR and short writes. One call
// to write(2) in the normal case: that is what keeps lines whole.
void write_all(int fd, std::string_view text) noexcept;

}  // namespace crashpoint::detail
