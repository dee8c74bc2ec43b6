// SPDX-License-Identifier: Apache-2.0
// worker_pool.hpp: executes a plan of runs on N worker threads.
//
// Runs are independent (each has its own directories), so workers simply take
// the next run from a shared counter. Results reach `on_result` one at a time,
// in completion order, from whichever thread finished the run.
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "run/run_options.hpp"
#include "run/run_result.hpp"

namespace crashpoint::harness {

class temp_root;  // workdir.hpp

struct session_options {
  unsigned jobs = 1;
  run_options run;
};

// Returns the results in plan order. Once `stop` is set, no new run starts;
// runs already started end (the caller kills their processes) and are left out.
std::vector<run_result> execute_runs(const std::vector<run_spec>& runs, const temp_root& root,
                                     const session_options& opts,
                                     const std::function<void(const run_result&)>& on_result,
                                     const std::atomic<bool>& stop);

// The same with any way of executing a run (execute_discovery, say).
using run_executor = std::function<run_result(const run_spec&)>;
std::vector<run_result> execute_runs(const std::vector<run_spec>& runs, const run_executor& exec,
                                     unsigned jobs,
                                     const std::function<void(const run_result&)>& on_result,
                                     const std::atomic<bool>& stop);

}  // namespace crashpoint::harness
