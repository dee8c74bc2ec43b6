// session.cpp: a fixed pool of worker threads over the run plan.
#include "session.hpp"

#include <mutex>
#include <optional>
#include <thread>

namespace crashpoint::harness {

std::vector<run_result> execute_runs(const std::vector<run_spec>& runs, const temp_root& root,
                                     const session_options& opts,
                                     const std::function<void(const run_result&)>& on_result,
                                     const std::atomic<bool>& stop) {
  std::vector<std::optional<run_result>> slots(runs.size());
  std::atomic<std::size_t> next{0};
  std::mutex report_mutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < runs.size() && !stop.load(); i = next++) {
      run_result r = execute_run(runs[i], root, opts.run);
      const std::lock_guard<std::mutex> lock(report_mutex);
      if (stop.load()) return;  // an interrupted run's verdict means nothing
      on_result(r);
      slots[i] = std::move(r);
    }
  };
  const unsigned n = std::max(1u, std::min<unsigned>(opts.jobs, static_cast<unsigned>(runs.size())));
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
