// SPDX-License-Identifier: Apache-2.0
// crashpoint/arming.hpp: the grammar of the arming variable.
//
// A process is armed through one environment variable (`CRASHPOINT` unless the
// product renamed it) that holds a comma-separated list of entries:
//
//     CRASHPOINT="mapping_after_tmp, log_append@3=kill, compact=exit(7)"
//
// An entry is `NAME[@HIT][=ACTION]`:
//
//   NAME    printable ASCII without spaces, `,`, `@` or `=`.
//   @HIT    1-based: fire only on that hit of NAME in this process. Without it,
//           every hit fires.
//   ACTION  abort | kill | exit(N) | throw | error | sleep(MS)
//           Without it, a panic point aborts and a fail point returns an error.
//
// Whitespace around entries and empty entries are ignored; anything else that
// does not match is reported as an `arming_error` and never taken as valid.
// The checkpoint library parses the variable with `parse_arming`; the harness
// uses the same function to predict how an armed run must end, so the two
// can never disagree about the grammar.
//
//     crashpoint::arming_list list = crashpoint::parse_arming("a@2=kill,b=exit(3)");
//     // list.entries[0].name == "a", .hit == 2, .act->kind == action_kind::kill
//
// Cost: parsing allocates; it runs once per process (and in the harness), never
// on a checkpoint's fast path.
#ifndef CRASHPOINT_ARMING_HPP
#define CRASHPOINT_ARMING_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crashpoint {

// What an armed checkpoint does when it fires.
enum class action_kind {
  abort,   // write the message, then std::abort(): SIGABRT, the default for panic points
  kill,    // write the message, then SIGKILL to itself: no handler runs, nothing is flushed
  exit,    // write the message, then _exit(exit_code)
  throw_,  // write the message, then throw crashpoint::injected_crash (unwinds)
  error,   // maybe_fail_at returns an error; the default for fail points
  sleep,   // pause for sleep_ms milliseconds, then carry on as if unarmed
};

struct action {
  action_kind kind = action_kind::abort;
  int exit_code = 0;           // for action_kind::exit, 0..255
  std::uint32_t sleep_ms = 0;  // for action_kind::sleep

  friend bool operator==(const action& a, const action& b) {
    return a.kind == b.kind && a.exit_code == b.exit_code && a.sleep_ms == b.sleep_ms;
  }
};

struct arming_entry {
  std::string name;
  std::uint64_t hit = 0;      // 0: every hit fires
  std::optional<action> act;  // empty: the point kind's default
};

struct arming_error {
  std::string entry;    // the entry as written, trimmed
  std::string problem;  // what was expected, e.g. "hit must be a positive integer"
};

struct arming_list {
  std::vector<arming_entry> entries;
  std::vector<arming_error> errors;
};

// Parses a whole variable value. Never throws on bad input: bad entries land in
// `errors`, good ones in `entries`, in their original order.
arming_list parse_arming(std::string_view text);

// Parses one ACTION word such as "exit(3)"; empty on error.
std::optional<action> parse_action(std::string_view text);

// The ACTION as written in the grammar: "abort", "exit(3)", "sleep(10)", ...
std::string to_string(const action& act);

}  // namespace crashpoint

#endif  // CRASHPOINT_ARMING_HPP
