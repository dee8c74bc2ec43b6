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

#include "plan/run_plan.hpp"
#include "run/run_options.hpp"
#include "run/run_result.hpp"
#include "workdir/workdir.hpp"

namespace crashpoint::harness {

// Phase 2 is a copy of the scenario's template when run.setup has one ready;
// the first run to ask for it does its setup and saves it (setup_template.hpp).
run_result execute_run(const run_spec& run, const temp_root& root, const run_options& opts);

// Runs setup and then the crash command unarmed but traced; the result passes
// when the command exits 0, and holds the trace: every checkpoint it reached.
// With opts.templates, the state after setup is saved there as well (when the
// scenario allows it), in setup_state: the template of the crash points.
run_result execute_discovery(const run_spec& run, const temp_root& root, const run_options& opts);

}  // namespace crashpoint::harness
