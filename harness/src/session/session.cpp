// SPDX-License-Identifier: Apache-2.0
// session.cpp: discovery, then the runs, then crashes in recovery.
#include "session/session.hpp"

#include <map>

#include "run/runner.hpp"
#include "run/setup_template.hpp"

namespace crashpoint::harness {
namespace {

// Run directories are named by index: keep them unique across the phases.
void number_from(std::vector<run_spec>& runs, std::size_t& next) {
  for (run_spec& r : runs) r.index = next++;
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

// One shared setup per listed scenario with two runs or more in the plan
// (that may use a template): the first of them to start makes it.
void share_listed_setups(std::vector<run_spec>& runs) {
  std::map<const scenario*, std::vector<run_spec*>> listed;
  for (run_spec& r : runs) {
    // Explored points have their discovery's template already.
    if (r.label.empty() && !r.setup && template_allowed(*r.scen, *r.target)) listed[r.scen].push_back(&r);
  }
  for (const auto& [scen, its_runs] : listed) {
    if (its_runs.size() < 2) continue;
    const auto shared = std::make_shared<shared_setup>();
    for (run_spec* r : its_runs) r->setup = shared;
  }
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
      base.index = bases.size();
      bases.push_back(std::move(base));
    }
  }
  return bases;
}

discovery discover(const std::vector<run_spec>& bases, const explore_options& explore,
                   const temp_root& root, const session_options& opts,
                   const std::function<void(const run_result&)>& on_failure,
                   const std::atomic<bool>& stop) {
  const auto traced = execute_runs(
      bases, [&](const run_spec& run) { return execute_discovery(run, root, opts.run); },
      opts.jobs, [&](const run_result& r) { if (!r.passed) on_failure(r); }, stop);
  // An interrupt leaves some out: results are matched to bases by scenario.
  std::map<std::string, const run_spec*> base_of;
  for (const run_spec& b : bases) base_of[b.scen->name] = &b;
  discovery out;
  for (const run_result& r : traced) {
    const run_spec& base = *base_of.at(r.scenario);
    std::vector<run_spec>& points = out.points[base.scen];
    if (!r.passed) {
      out.failures.push_back(r);
      continue;
    }
    points = point_runs(base, select_points(r.trace, explore));
    if (!r.setup_state) continue;
    const auto shared = std::make_shared<shared_setup>(r.setup_state);
    for (run_spec& p : points) p.setup = shared;
  }
  return out;
}

session_results execute_session(std::vector<run_spec> runs, const explore_options& explore,
                                const temp_root& root, const session_options& opts, std::size_t next,
                                const std::function<void(const run_result&)>& on_result,
                                const std::atomic<bool>& stop, const planned_callback& on_planned) {
  if (opts.run.templates != nullptr) share_listed_setups(runs);
  session_options first = opts;
  first.run.trace_recovery = explore.double_crash;
  session_results out;
  out.results = execute_runs(runs, root, first, on_result, stop);
  if (explore.double_crash && !stop.load()) {
    std::vector<run_spec> doubles = recovery_crashes(runs, out.results, explore);
    number_from(doubles, next);
    on_planned(doubles);
    append(out.results, execute_runs(doubles, root, opts, on_result, stop));
    out.added_runs = std::move(doubles);
  }
  return out;
}

}  // namespace crashpoint::harness
