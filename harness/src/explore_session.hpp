// explore_session.hpp: a session whose runs may first have to be discovered.
//
// Scenarios with `checkpoints = "auto"` (every scenario under `explore`) have
// no runs until a discovery run traced their crash command. This executes the
// discoveries, turns their traces into crash-point runs, executes those with
// the listed runs, and, with --double, executes the crash-during-recovery runs
// that the crash-point runs' recovery traces call for.
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "explore.hpp"
#include "session.hpp"

namespace crashpoint::harness {

struct exploration {
  std::vector<run_spec> bases;  // one per scenario to explore (checkpoint "")
  explore_options opts;
  // Whether a discovered run is wanted (--filter, --only, --shard).
  std::function<bool(const run_spec&)> wanted = [](const run_spec&) { return true; };
  // Told of the runs the plan gains as they are discovered (crash points, then
  // crashes in recovery), before they execute; on the calling thread.
  std::function<void(const std::vector<run_spec>&)> on_planned = [](const std::vector<run_spec>&) {};
};

std::vector<run_result> execute_session(std::vector<run_spec> runs, const exploration& explore,
                                        const temp_root& root, const session_options& opts,
                                        const std::function<void(const run_result&)>& on_result,
                                        const std::atomic<bool>& stop);

// One discovery base per scenario of `suites`: all of them, or only those with
// `checkpoints = "auto"`.
std::vector<run_spec> exploration_bases(const std::vector<loaded_suite>& suites, bool all_scenarios);

}  // namespace crashpoint::harness
