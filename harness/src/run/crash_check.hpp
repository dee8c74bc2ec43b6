// SPDX-License-Identifier: Apache-2.0
// crash_check.hpp: did the crash run crash where, and how, it was armed to?
//
// A crash is confirmed only when the process ended as expected AND its stderr
// holds the crash (or fail) message of a checkpoint the entry armed AND, for
// targets built with the checkpoint library (they write the trace file), the
// trace shows that checkpoint firing. Anything else is one of the precise
// failure classes below, so that a red run says what went wrong.
#pragma once

#include <string>
#include <vector>

#include "process/process.hpp"
#include "scenario/scenario.hpp"
#include "run/trace_file.hpp"

namespace crashpoint::harness {

// What the harness expects from one crash run.
struct expected_crash {
  expectation expect = expectation::crash;
  std::vector<std::string> names;     // the checkpoints the entry arms
  std::vector<std::string> messages;  // the message line of each name
  // Acceptable ends, any of them. For a fail point (expect = error) an empty
  // list means any non-zero exit.
  std::vector<end_condition> ends;
};

// Derives the expectation from the suite, the [crash] table and the entry.
// When the entry uses the checkpoint library's grammar (`a@2=kill`), its
// actions decide the end (kill: SIGKILL, exit(N): exit N); a [crash] `status`
// overrides everything; otherwise the suite's crash_status applies.
expected_crash predict_crash(const suite& s, const crash_step& crash, const std::string& entry);

enum class crash_outcome {
  confirmed,
  not_reached,        // the command finished without crashing
  crashed_elsewhere,  // another signal or exit, or no message
  wrong_end,          // the message is there, but the process ended otherwise
  timed_out,
  not_started,
};

struct crash_verdict {
  crash_outcome outcome = crash_outcome::confirmed;
  std::string fired;   // the checkpoint whose message was found
  std::string detail;  // for a failure: what was expected and what happened
};

// `trace` is what the trace file showed (nothing written when the target
// wrote none); a trace with a problem (not a regular file, too large) fails
// the crash, since it cannot be confirmed. Read it with trace_wants_for().
crash_verdict judge_crash(const expected_crash& expected, const command_result& result,
                          const trace_summary& trace);

// What judge_crash needs of the trace: which of the armed names fired.
trace_wants trace_wants_for(const expected_crash& expected);

std::string describe(const end_condition& end);
bool end_matches(const end_condition& end, const exit_status& status);

}  // namespace crashpoint::harness
