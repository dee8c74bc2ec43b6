// SPDX-License-Identifier: Apache-2.0
// worker_pool.hpp: executes a list of runs on N worker threads.
//
// Runs are independent (each has its own directories), so workers simply take
// the next run from a shared counter. Each result comes back with the run it
// came from (finished_run): once the session is stopped some runs never ran,
// and which ones is known without matching ids or positions. Results reach
// `on_result` one at a time, in completion order, from whichever thread
// finished the run.
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "run/run_result.hpp"

namespace crashpoint::harness {

// A run and how it ended. `run` points into the list that was executed.
struct finished_run {
  const run_spec* run = nullptr;
  run_result result;
};

// How one run is executed: execute_run or execute_discovery (runner.hpp).
using run_executor = std::function<run_result(const run_spec&)>;

// Returns the finished runs in the order of `runs`. Once `stop` is set, no new
// run starts; runs already started end (the caller kills their processes) and
// are left out: an interrupted run's verdict means nothing.
std::vector<finished_run> execute_runs(const std::vector<run_spec>& runs, const run_executor& exec,
                                       unsigned jobs,
                                       const std::function<void(const finished_run&)>& on_result,
                                       const std::atomic<bool>& stop);

}  // namespace crashpoint::harness
