// SPDX-License-Identifier: Apache-2.0
// run_plan.hpp: expands loaded suites into runs, one per scenario x checkpoint.
//
// A run is the unit the harness schedules, reports and reproduces: a fresh
// workdir, the setup steps, the crash command with one arming value, recovery,
// assertions. Its id, `SCENARIO@ENTRY`, is what --filter and --only match and
// what reports print.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace crashpoint::harness {

class shared_setup;  // setup_template.hpp

struct run_spec {
  const suite* target = nullptr;
  const scenario* scen = nullptr;
  std::string checkpoint;  // the exact value of the arming variable
  std::size_t index = 0;   // position in the plan, from 0
  fs::path target_path;    // the resolved executable behind {target}
  // Explored runs (explore.hpp) name themselves NAME@HIT even when the entry
  // adds an action (NAME@HIT=abort for a fail point); empty: the entry.
  std::string label;
  // Crash during recovery (explore --double): recovery first runs with this
  // entry armed and must crash there; then a clean recovery and the assertions.
  std::string recovery_entry;
  // The scenario's state after setup, made once and copied into the workdir
  // instead of running the setup steps again. Null: the run does its setup.
  std::shared_ptr<shared_setup> setup;
  // Power loss with crash_states = "all": the crash state this run rebuilds
  // ("prefix:3"), its id ending in #K; empty: the scenario's default state.
  std::string crash_state;

  std::string id() const { return scen->name + "@" + (label.empty() ? checkpoint : label); }
};

// Every run of every suite, in suite, scenario and checkpoint order.
// Scenarios with `checkpoints = "auto"` have none: see plan_runs.
std::vector<run_spec> expand_runs(const std::vector<loaded_suite>& suites);

// The crash-point runs that discovery found, per explored scenario
// (explore.hpp); a scenario whose discovery failed has none.
using explored_runs = std::map<const scenario*, std::vector<run_spec>>;

// Every run of the session, in suite and scenario order: each explored
// scenario's crash points (all of them with `explore_all`, as `crashpoint
// explore` wants), every other scenario's listed entries.
std::vector<run_spec> plan_runs(const std::vector<loaded_suite>& suites, const explored_runs& explored,
                                bool explore_all);

// Which runs a command line asks for. A run is selected when it matches one of
// the filters (or there is none) and one of the --only ids (or there is none).
struct run_selection {
  std::vector<std::string> filters;  // --filter: substrings or globs of the id
  std::vector<std::string> only;     // --only: exact ids
  // Scenarios whose discovery failed (explore.hpp): their runs are unknown, so
  // an --only id of theirs cannot be checked.
  std::vector<std::string> undiscovered_scenarios = {};
};

// Whether `run` passes the --filter and --only parts of `selection`.
bool selected_by(const run_selection& selection, const run_spec& run);

// Whether some run of the scenario `name` could be selected, whatever its
// checkpoint part: false when every --only id names another scenario, or when
// a glob filter cannot match an id of this scenario. Decides which scenarios
// are worth discovering. An --only id that starts with no scenario's name
// (`scenarios`) may be a typo in any: then every scenario is worth it, so that
// the error can suggest the closest id.
bool may_select(const run_selection& selection, const std::string& name,
                const std::vector<std::string>& scenarios);

struct selected_runs {
  std::vector<run_spec> runs;  // in plan order, numbered from 0
  // One per --only id that names no run, and one per id that two runs share.
  std::vector<std::string> errors;
};

// The runs of `all` (the whole plan, every run once) that `selection` asks
// for. An --only id that names no run of the plan is an error with a
// did-you-mean among the run ids.
selected_runs select_runs(std::vector<run_spec> all, const run_selection& selection);
// The same over expand_runs(suites).
selected_runs select_runs(const std::vector<loaded_suite>& suites, const run_selection& selection);

// Whether the --only id `only` names `run`: exactly its id, `SCENARIO@ENTRY`
// or, for an explored crash point, `SCENARIO@CHECKPOINT@HIT` (run_spec::id()).
bool only_names(std::string_view only, const run_spec& run);

// Whether `text` matches the glob `pattern` ('*', '?', no brackets).
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace crashpoint::harness
