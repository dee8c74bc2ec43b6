// SPDX-License-Identifier: Apache-2.0
// console_report.hpp: the human-readable output of `crashpoint run`.
//
//   PASS  deposit  deposit_after_intent  (12 ms)
//   FAIL  deposit  deposit_after_balance  (15 ms)
//         assertion failed: 1 of 3 assertions failed after recovery
//         scenarios/deposit.toml:31:1: file ledger/balance is "5\n", expected "12\n"
//         kept: /tmp/crashpoint-Ab12Cd/0002-deposit@deposit_after_balance
//         reproduce:
//           cd "$(mktemp -d)"
//           ...
//   failed runs, each with the command that reruns it alone:
//     deposit@deposit_after_balance
//       crashpoint run --only 'deposit@deposit_after_balance' scenarios
//   1 passed, 1 failed
//
// Results come in completion order; the list of failures at the end is in
// plan order. On a terminal each result starts with a progress counter,
// `[3/12] PASS  ...`: runs done, of the runs planned so far (--double adds the
// crashes in recovery once it finds them). Quiet prints only failures and what
// follows them; on a terminal a counter line `[3/12]` stands in for the passes,
// overwritten by the next output.
//
// Colour and the counter are the caller's choice (terminal.hpp: --color and
// NO_COLOR; whether the stream is a terminal).
//
// When the stream's reader goes away (EPIPE: `crashpoint run | head -1`), the
// report calls `on_closed` once, drops what it had buffered and writes nothing
// more, so that nothing is left to fail when the process exits.
#pragma once

#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "run/run_result.hpp"

namespace crashpoint::harness {

struct console_style {
  bool colour = false;
  bool progress = false;  // the [n/N] counter: the stream is a terminal
  bool quiet = false;     // failures and the summary only
  // The command that reruns one failed run alone; none: no list of failures.
  std::function<std::string(const run_result&)> rerun;
};

class console_report {
 public:
  console_report(std::FILE* out, console_style style, std::function<void()> on_closed = {});

  void planned(std::size_t more);  // the plan gained `more` runs; from any thread
  void result(const run_result& r);
  void text(const std::string& text);  // anything else, such as the crash-point table
  // The failures of `results` with their rerun commands, then "N passed, M failed".
  void summary(const std::vector<run_result>& results, bool interrupted);

 private:
  std::string paint(const char* colour, std::string_view text) const;
  std::string failure_list(const std::vector<run_result>& results) const;
  void emit(std::string text, bool transient = false);
  std::FILE* out_;
  console_style style_;
  std::function<void()> on_closed_;
  std::mutex mutex_;
  std::size_t done_ = 0, known_ = 0;
  bool counter_shown_ = false;  // the quiet counter line is on screen, without a newline
  bool closed_ = false;
};

}  // namespace crashpoint::harness
