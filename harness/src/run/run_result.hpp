// SPDX-License-Identifier: Apache-2.0
// run_result.hpp: what one run did and its verdict, as the runner returns it
// and every later stage (sessions, reports, CRASHPOINT_STATE) reads it.
//
// A run passes or fails with one failure_kind, the first failing phase; the
// reason is one line, the details say expected against actual. steps lists
// every command in the order it ran, with where its output was kept.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "process/process.hpp"
#include "plan/run_plan.hpp"
#include "run/trace_file.hpp"

namespace crashpoint::harness {

struct setup_template;  // setup_template.hpp

enum class failure_kind {
  none,
  setup_failed,
  not_reached,        // the crash command finished without crashing
  crashed_elsewhere,  // another signal or exit, or no crash message
  wrong_end,          // crashed at the checkpoint, but not with the expected status
  timed_out,
  recovery_failed,
  not_idempotent,  // a second recovery pass changed the workdir
  assertion_failed,
  discovery_failed,  // the unarmed, traced crash command did not exit 0
  harness_error,     // the harness itself could not do its job (disk full, ...)
};

std::string_view to_string(failure_kind k);

// One command the run executed, as CRASHPOINT_STATE and the reports show it.
struct step_record {
  std::string phase;  // "setup", "crash", "recover", "assert"
  std::vector<std::string> argv;
  env_map env;  // the variables the harness set for it, on top of the clean base
  exit_status status;
  std::chrono::nanoseconds duration{};
  fs::path stdout_path, stderr_path;
};

struct run_result {
  std::string scenario, checkpoint;  // the run's id parts
  fs::path scenario_file;
  failure_kind kind = failure_kind::none;  // none: it passed
  bool passed() const { return kind == failure_kind::none; }
  std::string reason;                // one line
  std::vector<std::string> details;  // expected against actual, stderr tails
  // A syscall crash point's call, relative to the workdir, as the recorder
  // saw it: `rename("data.tmp", "data")`; "" for checkpoints.
  std::string point_call;
  // What the recorder could not see (io_uring, a shared writable mmap, ...):
  // the verdict may be incomplete, and the reports say so.
  std::vector<std::string> warnings;
  // Power loss ([crash] model): the crash state recovery saw ("clean",
  // "prefix:3", ...), what it dropped, relative to the workdir, and with
  // crash_states = "all" the states still to run (the point's first run only).
  std::string crash_state;
  std::vector<std::string> lost;
  std::vector<std::string> more_states;
  std::vector<step_record> steps;
  std::string reproduce;  // shell commands that replay the run by hand
  fs::path run_dir;       // kept, or empty when removed
  std::chrono::nanoseconds duration{};
  std::vector<crash_point> trace;           // what the traced command reached: discovery runs only
  std::vector<crash_point> recovery_trace;  // what recovery reached, with run_options::trace_recovery
  // The state after setup, saved for the scenario's other runs: discovery and
  // setup-only runs given a template store, when it could be saved.
  std::shared_ptr<const setup_template> setup_state;
};

}  // namespace crashpoint::harness
