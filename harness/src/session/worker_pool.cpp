// SPDX-License-Identifier: Apache-2.0
// worker_pool.cpp: a fixed pool of worker threads over the run plan.
#include "session/worker_pool.hpp"

#include <mutex>
#include <optional>
#include <thread>

#include "run/runner.hpp"

namespace crashpoint::harness {

std::vector<run_result> execute_runs(const std::vector<run_spec>& runs, const temp_root& root,
                                     const session_options& opts,
                                     const std::function<void(const run_result&)>& on_result,
                                     const std::atomic<bool>& stop) {
  const run_executor exec = [&](const run_spec& run) { return execute_run(run, root, opts.run); };
  return execute_runs(runs, exec, opts.jobs, on_result, stop);
}

std::vector<run_result> execute_runs(const std::vector<run_spec>& runs, const run_executor& exec,
                                     unsigned jobs,
                                     const std::function<void(const run_result&)>& on_result,
                                     const std::atomic<bool>& stop) {
  std::vector<std::optional<run_result>> slots(runs.size());
  std::atomic<std::size_t> next{0};
  std::mutex report_mutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < runs.size() && !stop.load(); i = next++) {
      run_result r = exec(runs[i]);
      const std::lock_guard<std::mutex> lock(report_mutex);
      if (stop.load()) return;  // an interrupted run's verdict means nothing
      on_result(r);
      slots[i] = std::move(r);
    }
  };
  const unsigned n = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(runs.size())));
  std::vector<std::jthread> threads;
  for (unsigned t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  threads.clear();  // joins
  std::vector<run_result> out;
  for (auto& s : slots) {
    if (s) out.push_back(std::move(*s));
  }
  return out;
}

}  // namespace crashpoint::harness
