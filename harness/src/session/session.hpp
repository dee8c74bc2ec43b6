// SPDX-License-Identifier: Apache-2.0
// session.hpp: a session whose runs may first have to be discovered.
//
// Scenarios with `checkpoints = "auto"` (every scenario under `explore`) have
// no runs until a discovery run traced their crash command. discover()
// executes those discovery runs and turns each trace into one run per crash
// point; `list` and `run` make their plan from these and the listed runs
// (run_plan.hpp), so both know every run before any is executed. Then
// execute_session() executes the plan and, with --double, the
// crash-during-recovery runs that the crash-point runs' recovery traces call
// for.
//
// With a template store (run_options::templates), each discovery run also
// keeps its state after setup as the template of its crash points, and
// execute_session() lets the runs of a listed scenario with several runs share
// one setup (setup_template.hpp).
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "session/explore.hpp"
#include "session/worker_pool.hpp"

namespace crashpoint::harness {

struct discovery {
  explored_runs points;              // per discovered scenario; none when its discovery failed
  std::vector<run_result> failures;  // the discovery runs that failed, in the order of the bases
};

// Executes the discovery runs `bases` (numbered as they are: their run
// folders' names) on opts.jobs threads. `on_failure` gets each failed one as
// it ends.
discovery discover(const std::vector<run_spec>& bases, const explore_options& explore,
                   const temp_root& root, const session_options& opts,
                   const std::function<void(const run_result&)>& on_failure,
                   const std::atomic<bool>& stop);

struct session_results {
  std::vector<run_result> results;  // in plan order, then the --double runs
  std::vector<run_spec> added_runs;  // --double runs planned once the first runs ended
};

// Told of the runs the plan gains while it executes (the --double runs),
// before they execute; on the calling thread.
using planned_callback = std::function<void(const std::vector<run_spec>&)>;

// Executes `runs` (numbered; further runs are numbered from `next`), then
// with explore.double_crash the runs that crash recovery.
session_results execute_session(std::vector<run_spec> runs, const explore_options& explore,
                                const temp_root& root, const session_options& opts, std::size_t next,
                                const std::function<void(const run_result&)>& on_result,
                                const std::atomic<bool>& stop,
                                const planned_callback& on_planned = [](const std::vector<run_spec>&) {});

// One discovery base per scenario of `suites`: all of them, or only those with
// `checkpoints = "auto"`; numbered from 0.
std::vector<run_spec> exploration_bases(const std::vector<loaded_suite>& suites, bool all_scenarios);

}  // namespace crashpoint::harness
