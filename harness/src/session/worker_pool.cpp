// SPDX-License-Identifier: Apache-2.0
// worker_pool.cpp: a fixed pool of worker threads over a list of runs.
#include "session/worker_pool.hpp"

#include <mutex>
#include <optional>
#include <thread>

namespace crashpoint::harness {

std::vector<finished_run> execute_runs(const std::vector<run_spec>& runs, const run_executor& exec,
                                       unsigned jobs,
                                       const std::function<void(const finished_run&)>& on_result,
                                       const std::atomic<bool>& stop) {
  std::vector<std::optional<finished_run>> slots(runs.size());
  std::atomic<std::size_t> next{0};
  std::mutex report_mutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < runs.size() && !stop.load(); i = next++) {
      finished_run done{&runs[i], exec(runs[i])};
      const std::lock_guard<std::mutex> lock(report_mutex);
      if (stop.load()) return;  // an interrupted run's verdict means nothing
      on_result(done);
      slots[i] = std::move(done);
    }
  };
  const unsigned n = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(runs.size())));
  std::vector<std::jthread> threads;
  for (unsigned t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  threads.clear();  // joins
  std::vector<finished_run> out;
  for (auto& s : slots) {
    if (s) out.push_back(std::move(*s));
  }
  return out;
}

}  // namespace crashpoint::harness
