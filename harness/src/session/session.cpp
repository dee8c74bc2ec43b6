// SPDX-License-Identifier: Apache-2.0
// session.cpp: discovery, the plan, the runs, then crashes in recovery.
#include "session/session.hpp"

#include <map>
#include <set>

#include "plan/target.hpp"
#include "run/runner.hpp"
#include "run/setup_template.hpp"

namespace crashpoint::harness {
namespace {

// Run directories are named by index: keep them unique across the phases.
void number_from(std::vector<run_spec>& runs, std::size_t next) {
  for (run_spec& r : runs) r.index = next++;
}

// --include and --exclude choose where the first crash happens; recovery is
// crashed at every checkpoint it reaches (up to --max-hits).
std::vector<run_spec> recovery_crashes(const std::vector<finished_run>& finished,
                                       const explore_options& first_crash) {
  explore_options opts;
  opts.max_hits = first_crash.max_hits;
  std::vector<run_spec> out;
  for (const finished_run& f : finished) {
    if (!f.result.passed()) continue;
    const auto points = select_points(f.result.recovery_trace, opts);
    for (run_spec& run : recovery_point_runs(*f.run, points)) out.push_back(std::move(run));
  }
  return out;
}

// Power loss with crash_states = "all": each point's first run listed the
// other crash states its crash may leave; each becomes a run of its own,
// SCENARIO@POINT#K, which crashes again and rebuilds that state.
std::vector<run_spec> crash_state_runs(const std::vector<finished_run>& finished) {
  std::vector<run_spec> out;
  for (const finished_run& f : finished) {
    const std::string base = f.run->label.empty() ? f.run->checkpoint : f.run->label;
    for (std::size_t k = 0; k < f.result.more_states.size(); ++k) {
      run_spec run = *f.run;
      run.crash_state = f.result.more_states[k];
      run.label = base + "#" + std::to_string(k + 1);
      out.push_back(std::move(run));
    }
  }
  return out;
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

run_selection selection_of(const session_request& request) { return {request.filters, request.only, {}}; }

}  // namespace

std::vector<run_spec> discovery_runs_of(const std::vector<loaded_suite>& suites,
                                        const session_request& request) {
  std::vector<std::string> names;
  for (const loaded_suite& s : suites) {
    for (const scenario& sc : s.scenarios) names.push_back(sc.name);
  }
  // An --only id of another scenario needs no discovery of this one.
  const run_selection selection = selection_of(request);
  std::vector<run_spec> bases;
  for (const loaded_suite& s : suites) {
    for (const scenario& sc : s.scenarios) {
      if (!request.explore_all && !sc.auto_checkpoints) continue;
      if (!may_select(selection, sc.name, names)) continue;
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

session::session(const std::vector<loaded_suite>& suites, session_request request,
                 const std::atomic<bool>& stop)
    : suites_(suites), request_(std::move(request)), stop_(stop) {
  request_.run.stop = &stop_;
}

std::optional<diagnostic> session::resolve(std::vector<run_spec>& runs) const {
  std::map<const suite*, fs::path> resolved;
  for (run_spec& run : runs) {
    auto [it, added] = resolved.emplace(run.target, fs::path{});
    if (added) {
      std::string error;
      it->second = resolve_target(*run.target, request_.target, error);
      if (it->second.empty()) return diagnostic{run.target->command_where, error};
    }
    run.target_path = it->second;
  }
  return std::nullopt;
}

std::optional<diagnostic> session::prepare() {
  discovery_runs_ = discovery_runs_of(suites_, request_);
  return resolve(discovery_runs_);
}

std::optional<diagnostic> session::resolve_targets() { return resolve(runs_); }

const temp_root& session::root() {
  if (root_) return *root_;
  root_.emplace();
  if (request_.share_setups) {
    templates_.emplace(*root_);
    request_.run.templates = &*templates_;
  }
  return *root_;
}

void session::finish() {
  if (templates_) templates_->remove_all();
  if (root_) root_->remove_if_empty();
  request_.run.templates = nullptr;
  templates_.reset();
  root_.reset();
}

void session::discover(const std::function<void(const run_result&)>& on_failure) {
  const temp_root& root = this->root();
  run_options traced = request_.run;
  traced.discover_syscalls = request_.explore.syscalls;
  discovered_ = execute_runs(
      discovery_runs_, [&](const run_spec& run) { return execute_discovery(run, root, traced); },
      request_.jobs,
      [&](const finished_run& f) {
        if (!f.result.passed()) on_failure(f.result);
      },
      stop_);
  for (const finished_run& f : discovered_) {
    std::vector<run_spec>& points = explored_[f.run->scen];
    if (!f.result.passed()) {
      failed_discoveries_.push_back(f.result);
      continue;
    }
    points = point_runs(*f.run, select_points(f.result.trace, request_.explore));
    if (!f.result.setup_state) continue;
    const auto shared = std::make_shared<shared_setup>(f.result.setup_state);
    for (run_spec& p : points) p.setup = shared;
  }
}

std::vector<std::string> session::plan() {
  if (stop_.load()) return {};  // nothing more executes: the failures are all there is
  run_selection selection = selection_of(request_);
  for (const run_result& f : failed_discoveries_) selection.undiscovered_scenarios.push_back(f.scenario);
  selected_runs selected = select_runs(plan_runs(suites_, explored_, request_.explore_all), selection);
  if (!selected.errors.empty()) return std::move(selected.errors);
  runs_ = std::move(selected.runs);
  selected_ = runs_.size();
  if (request_.shard) {
    const shard_spec& shard = *request_.shard;
    runs_ = keep_shard(std::move(runs_), shard);
    // A failed discovery is reported once: by the shard its run falls in.
    failed_discoveries_.clear();
    for (const finished_run& f : discovered_) {
      if (!f.result.passed() && shard_of(f.run->id(), shard.total) == shard.index) {
        failed_discoveries_.push_back(f.result);
      }
    }
  }
  number_from(runs_, discovery_runs_.size());
  return {};
}

const std::vector<finished_run>& session::execute(
    const std::function<void(const run_result&)>& on_result,
    const std::function<void(const std::vector<run_spec>&)>& on_planned) {
  const temp_root& root = this->root();
  if (request_.run.templates != nullptr) share_listed_setups(runs_);
  run_options first = request_.run;
  first.trace_recovery = request_.explore.double_crash;
  const auto report = [&](const finished_run& f) { on_result(f.result); };
  finished_ = execute_runs(
      runs_, [&](const run_spec& run) { return execute_run(run, root, first); }, request_.jobs, report,
      stop_);
  if (request_.explore.double_crash && !stop_.load()) {
    added_ = recovery_crashes(finished_, request_.explore);
    number_from(added_, runs_.empty() ? 0 : runs_.back().index + 1);
    on_planned(added_);
    auto more = execute_runs(
        added_, [&](const run_spec& run) { return execute_run(run, root, request_.run); }, request_.jobs,
        report, stop_);
    for (finished_run& f : more) finished_.push_back(std::move(f));
  }
  if (stop_.load()) return finished_;
  state_runs_ = crash_state_runs(finished_);
  number_from(state_runs_, runs_.size() + added_.size() + discovery_runs_.size());
  on_planned(state_runs_);
  auto more = execute_runs(
      state_runs_, [&](const run_spec& run) { return execute_run(run, root, request_.run); }, request_.jobs,
      report, stop_);
  for (finished_run& f : more) finished_.push_back(std::move(f));
  return finished_;
}

std::vector<skipped_run> session::skipped() const {
  std::set<const run_spec*> done;
  for (const finished_run& f : finished_) done.insert(f.run);
  std::vector<skipped_run> out;
  for (const auto* list : {&runs_, &added_, &state_runs_}) {
    for (const run_spec& run : *list) {
      if (done.contains(&run)) continue;
      out.push_back({run.scen->name, run.label.empty() ? run.checkpoint : run.label, run.scen->file});
    }
  }
  return out;
}

}  // namespace crashpoint::harness
