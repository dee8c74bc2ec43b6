// explore_session.cpp: discovery, then crash points, then crashes in recovery.
#include "explore_session.hpp"

#include <map>

namespace crashpoint::harness {
namespace {

// Run directories are named by index: keep them unique across the phases.
void number_from(std::vector<run_spec>& runs, std::size_t& next) {
  for (run_spec& r : runs) r.index = next++;
}

std::vector<run_spec> discover(const exploration& explore, const temp_root& root,
                               const session_options& opts,
                               const std::function<void(const run_result&)>& on_result,
                               const std::atomic<bool>& stop, std::vector<run_result>& results,
                               std::size_t& next) {
  std::vector<run_spec> bases = explore.bases;
  number_from(bases, next);
  std::vector<run_result> traced = execute_runs(
      bases, [&](const run_spec& run) { return execute_discovery(run, root, opts.run); },
      opts.jobs, [&](const run_result& r) { if (!r.passed) on_result(r); }, stop);
  std::vector<run_spec> points;
  for (std::size_t i = 0; i < traced.size(); ++i) {
    if (!traced[i].passed) {
      results.push_back(std::move(traced[i]));
      continue;
    }
    const auto found = select_points(traced[i].trace, explore.opts);
    for (run_spec& run : point_runs(bases[i], found)) {
      if (explore.wanted(run)) points.push_back(std::move(run));
    }
  }
  return points;
}

// --include and --exclude choose where the first crash happens; recovery is
// crashed at every checkpoint it reaches (up to --max-hits).
std::vector<run_spec> recovery_crashes(const std::vector<run_spec>& runs,
                                       const std::vector<run_result>& results,
                                       const explore_options& first_crash) {
  explore_options opts;
  opts.max_hits = first_crash.max_hits;
  std::map<std::string, const run_spec*> by_id;
  for (const run_spec& r : runs) by_id[r.id()] = &r;
  std::vector<run_spec> out;
  for (const run_result& r : results) {
    const auto it = by_id.find(r.scenario + "@" + r.checkpoint);
    if (!r.passed || it == by_id.end()) continue;
    const auto points = select_points(r.recovery_trace, opts);
    for (run_spec& run : recovery_point_runs(*it->second, points)) out.push_back(std::move(run));
  }
  return out;
}

void append(std::vector<run_result>& to, std::vector<run_result>&& from) {
  for (run_result& r : from) to.push_back(std::move(r));
}

}  // namespace

std::vector<run_spec> exploration_bases(const std::vector<loaded_suite>& suites, bool all_scenarios) {
  std::vector<run_spec> bases;
  for (const loaded_suite& s : suites) {
    for (const scenario& sc : s.scenarios) {
      if (!all_scenarios && !sc.auto_checkpoints) continue;
      run_spec base;
      base.target = &s.target;
      base.scen = &sc;
      base.label = "(discovery)";
      bases.push_back(std::move(base));
    }
  }
  return bases;
}

std::vector<run_result> execute_session(std::vector<run_spec> runs, const exploration& explore,
                                        const temp_root& root, const session_options& opts,
                                        const std::function<void(const run_result&)>& on_result,
                                        const std::atomic<bool>& stop) {
  std::vector<run_result> results;
  std::size_t next = 0;
  if (!explore.bases.empty()) {
    for (run_spec& p : discover(explore, root, opts, on_result, stop, results, next)) {
      runs.push_back(std::move(p));
    }
  }
  number_from(runs, next);
  session_options first = opts;
  first.run.trace_recovery = explore.opts.double_crash;
  std::vector<run_result> done = execute_runs(runs, root, first, on_result, stop);
  if (explore.opts.double_crash && !stop.load()) {
    std::vector<run_spec> doubles = recovery_crashes(runs, done, explore.opts);
    number_from(doubles, next);
    append(done, execute_runs(doubles, root, opts, on_result, stop));
  }
  append(results, std::move(done));
  return results;
}

}  // namespace crashpoint::harness
