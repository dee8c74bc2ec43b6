// SPDX-License-Identifier: Apache-2.0
// trace_file.hpp: what the harness keeps of a trace file a target wrote.
//
// A traced command appends one line per checkpoint it reaches (the format is
// in lib/src/trace.hpp, whose parse_trace_line reads each line here). The
// file lies in the run's folder, where the target may have put anything at
// its name: a FIFO (reading it would wait for ever, deaf to signals),
// /dev/zero or a link to it (it never ends), a link to a file elsewhere, or a
// real trace of millions of lines (a checkpoint hit 4 million times). So:
//   - it is opened from the temporary root's descriptor, with O_NONBLOCK and
//     O_NOFOLLOW on every component, and must be a regular file of at most
//     max_bytes; anything else is a `problem`, which fails the run;
//   - it is read as a stream, line by line, never whole, and only what a
//     verdict needs is kept: whether anything was written, which of the
//     names it watches fired, and (for discovery) the distinct (name, hit)
//     points, at most max_points of them; past that limit the trace is a
//     `problem` too.
//
//   trace_wants crash{.max_points = 0, .fired_of = {"log_after_append"}};   // a crash's verdict
//   const trace_summary t = read_trace(root, dirs.trace, crash);
//   if (!t.problem.empty()) ...                                   // fail the run, saying why
//   if (t.written && !t.fired_any_of({"log_after_append"})) ...
//   for (const crash_point& p : read_trace(root, dirs.trace).points) ...   // discovery
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crashpoint::harness {

class temp_root;  // workdir.hpp

struct crash_point {
  std::string name;
  std::uint64_t hit = 0;
  bool fail_point = false;  // reached through maybe_fail_at
  bool after = false;       // a syscall point just after the call returned (`sys:rename@1+`)
  std::string label() const { return name + "@" + std::to_string(hit) + (after ? "+" : ""); }
};

// What to keep of a trace, and its limits.
struct trace_wants {
  // Distinct (name, hit) points kept; 0: none (a crash's verdict needs none).
  std::size_t max_points = 100'000;
  // The names whose firing is noted; empty: any name, up to max_fired of them.
  std::vector<std::string> fired_of;
  std::size_t max_fired = 10'000;
  std::uint64_t max_bytes = std::uint64_t{1} << 30;
  std::size_t max_line = 64 * 1024;  // longer lines are no trace lines: skipped
};

struct trace_summary {
  bool written = false;             // the file held at least one byte
  std::vector<crash_point> points;  // distinct, in the order first reached
  std::set<std::string> fired;      // distinct names whose line shows them firing
  std::string problem;              // why the trace cannot be used; empty when it can

  bool fired_any_of(const std::vector<std::string>& names) const;
};

// Collects a trace's lines into a summary, as `wants` says.
class trace_collector {
 public:
  explicit trace_collector(trace_wants wants) : wants_(std::move(wants)) {}
  // Takes bytes as they come; lines may be split anywhere.
  void add(std::string_view bytes);
  // The summary, once every byte has been given.
  trace_summary finish() &&;

 private:
  void add_line(std::string_view text);

  trace_wants wants_;
  trace_summary out_;
  std::set<std::pair<std::string, std::uint64_t>> seen_;
  std::string partial_;    // the last line's start, while it has no newline
  bool overlong_ = false;  // skipping the rest of a line longer than max_line
};

// The summary of a trace's text (tests, and what read_trace streams into).
trace_summary summarize_trace(std::string_view text, const trace_wants& wants = {});

// Reads the trace file `file` (strictly inside `root`). A file that is not
// there means the target wrote none: an empty summary, not a problem.
trace_summary read_trace(const temp_root& root, const std::filesystem::path& file,
                         const trace_wants& wants = {});

}  // namespace crashpoint::harness
