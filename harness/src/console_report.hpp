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
//   1 passed, 1 failed
//
// Colour only when stdout is a terminal (and NO_COLOR is unset).
//
// When the stream's reader goes away (EPIPE: `crashpoint run | head -1`), the
// report calls `on_closed` once, drops what it had buffered and writes nothing
// more, so that nothing is left to fail when the process exits.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

#include "runner.hpp"

namespace crashpoint::harness {

class console_report {
 public:
  explicit console_report(std::FILE* out, std::function<void()> on_closed = {});
  void result(const run_result& r);
  void text(const std::string& text);  // anything else, such as the crash-point table
  void summary(std::size_t passed, std::size_t failed, bool interrupted);

 private:
  std::string paint(const char* colour, std::string_view text) const;
  void emit(const std::string& text);
  std::FILE* out_;
  bool colour_;
  std::function<void()> on_closed_;
  bool closed_ = false;
};

}  // namespace crashpoint::harness
