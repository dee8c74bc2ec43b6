// SPDX-License-Identifier: Apache-2.0
// check_budget.hpp: the time and memory a check the harness makes itself may take.
//
// Commands run under the run's timeout, and their output is kept in bounded
// buffers. The checks the harness makes itself (a file's content, a glob, the
// snapshots behind `idempotent` and `unchanged`) read a workdir that a target
// filled, perhaps with a 2 GiB sparse file or a folder chain 5,000 levels
// deep, so they are bounded too:
//
//   - in time: each check gets the run's timeout, from the moment it starts,
//     and checks it (and the session's stop flag, which SIGINT sets) between
//     any two pieces of work: a 64 KiB piece of a file, an entry of a folder;
//   - in memory: by the limits below, each a property of the check, so that a
//     check costs the same whatever else the workdir holds.
//
//   const check_budget budget(std::chrono::seconds(30), &stop_flag);
//   budget.check("reading file data/big");   // between two pieces of work
//
// Running out of time, or over a limit, throws check_failed, whose message
// names what ran out; the check's caller turns it into a failed assertion.
// The stop flag throws check_interrupted, which ends the run as interrupted.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace crashpoint::harness {

// A walk over a folder (glob, snapshots) goes at most this many levels below
// it, visits at most this many entries, and keeps at most this many bytes of
// their relative paths.
inline constexpr std::size_t max_walk_depth = 128;
inline constexpr std::size_t max_walk_entries = 100'000;
inline constexpr std::size_t max_walk_path_bytes = std::size_t{16} << 20;

// `matches` reads the whole file into memory for RE2: files up to this size.
inline constexpr std::uint64_t max_matched_file_bytes = std::uint64_t{16} << 20;
// `json` parses the whole file into a document tree, which can take 26 times
// the text (4 MiB of `[{},{},...]`: 107 MB): files up to this size, nested at
// most this deep.
inline constexpr std::uint64_t max_json_file_bytes = std::uint64_t{4} << 20;
inline constexpr std::size_t max_json_depth = 512;

// What a failure message shows of a file (and what a diff compares): its
// first bytes.
inline constexpr std::size_t shown_file_bytes = 64 * 1024;

// A check could not be completed: the message says why (a limit, the
// timeout, a folder that cannot be read), without the check's name.
struct check_failed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The session is stopping (SIGINT, SIGTERM, SIGHUP): the run ends at once.
struct check_interrupted : std::runtime_error {
  check_interrupted() : std::runtime_error("interrupted") {}
};

class check_budget {
 public:
  using clock = std::chrono::steady_clock;

  check_budget(std::chrono::milliseconds timeout, const std::atomic<bool>* stop)
      : deadline_(clock::now() + timeout), timeout_(timeout), stop_(stop) {}

  // Throws check_interrupted when the session stops, check_failed when the
  // time is up: "gave up after the run's timeout (30s) while <doing>".
  void check(std::string_view doing) const {
    if (over()) give_up(doing);
  }
  // The same in two steps, for a caller that builds `doing` only when needed.
  bool over() const;
  [[noreturn]] void give_up(std::string_view doing) const;

 private:
  clock::time_point deadline_;
  std::chrono::milliseconds timeout_;
  const std::atomic<bool>* stop_;
};

// "16 MiB", "64 KiB", "100 bytes": for messages about limits.
std::string size_text(std::uint64_t bytes);

// `path` for a message, its middle cut out when it is long (a folder chain
// thousands of levels deep).
std::string shortened_path(std::string_view path);

}  // namespace crashpoint::harness
