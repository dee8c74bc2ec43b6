// SPDX-License-Identifier: Apache-2.0
// runner.hpp: executes one run, from a fresh workdir to a verdict.
//
//   1. a fresh workdir (the scenario's fixture copied in), HOME and TMPDIR
//   2. setup steps, each of which must exit 0
//   3. the crash command with the arming variable set, judged by crash_check
//   4. recovery steps in fresh processes without any arming or control variable
//      (default: the crash command again, which must exit 0)
//   5. assertions on the resulting state
// With `idempotent = true`, recovery then runs a second time and must change
// nothing. A run with a recovery_entry (explore --double) first runs recovery
// with that entry armed, which must crash, before the clean recovery.
// The first failing phase decides the verdict; every failed assertion is listed.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process.hpp"
#include "run_plan.hpp"
#include "trace_file.hpp"
#include "workdir.hpp"

namespace crashpoint::harness {

struct setup_template;   // setup_template.hpp
class setup_templates;

enum class failure_kind {
  none,
  setup_failed,
  not_reached,        // the crash command finished without crashing
  crashed_elsewhere,  // another signal or exit, or no crash message
  wrong_end,          // crashed at the checkpoint, but not with the expected status
  timed_out,
  recovery_failed,
  not_idempotent,     // a second recovery pass changed the workdir
  assertion_failed,
  discovery_failed,   // the unarmed, traced crash command did not exit 0
  harness_error,      // the harness itself could not do its job (disk full, ...)
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
  bool passed = false;
  failure_kind kind = failure_kind::none;
  std::string reason;                // one line
  std::vector<std::string> details;  // expected against actual, stderr tails
  std::vector<step_record> steps;
  std::string reproduce;             // shell commands that replay the run by hand
  fs::path run_dir;                  // kept, or empty when removed
  std::chrono::nanoseconds duration{};
  std::vector<crash_point> trace;           // what the traced command reached: discovery runs only
  std::vector<crash_point> recovery_trace;  // what recovery reached, with run_options::trace_recovery
  // The state after setup, saved for the scenario's other runs: discovery and
  // setup-only runs given a template store, when it could be saved.
  std::shared_ptr<const setup_template> setup_state;
};

enum class keep_policy { failed, all, none };

struct run_options {
  std::optional<std::chrono::milliseconds> timeout;  // overrides every file's timeout
  keep_policy keep = keep_policy::failed;
  // Set when the session is interrupted: no further command starts, and the
  // run's directory is removed whatever `keep` says (its verdict means nothing).
  const std::atomic<bool>* stop = nullptr;
  // Trace the recovery commands too (only the trace variable is added), to
  // discover the checkpoints recovery reaches (explore --double).
  bool trace_recovery = false;
  // Where a run that is first to set up for its scenario's shared_setup
  // (run_spec::setup) saves the template; null: no template is made.
  setup_templates* templates = nullptr;
};

// Phase 2 is a copy of the scenario's template when run.setup has one ready;
// the first run to ask for it does its setup and saves it (setup_template.hpp).
run_result execute_run(const run_spec& run, const temp_root& root, const run_options& opts);

// Runs setup and then the crash command unarmed but traced; the result passes
// when the command exits 0, and holds the trace: every checkpoint it reached.
// With opts.templates, the state after setup is saved there as well (when the
// scenario allows it), in setup_state: the template of the crash points.
run_result execute_discovery(const run_spec& run, const temp_root& root, const run_options& opts);

}  // namespace crashpoint::harness
