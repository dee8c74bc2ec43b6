// run_plan.hpp: expands loaded suites into runs, one per scenario x checkpoint.
//
// A run is the unit the harness schedules, reports and reproduces: a fresh
// workdir, the setup steps, the crash command with one arming value, recovery,
// assertions. Its id, `SCENARIO@ENTRY`, is what --filter and --only match and
// what reports print.
#pragma once

#include <string>
#include <vector>

#include "scenario.hpp"

namespace crashpoint::harness {

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

  std::string id() const { return scen->name + "@" + (label.empty() ? checkpoint : label); }
};

// Every run of every suite, in suite, scenario and checkpoint order. Runs whose
// id matches none of `filters` (substrings or globs; empty: all) are left out.
std::vector<run_spec> expand_runs(const std::vector<loaded_suite>& suites,
                                  const std::vector<std::string>& filters);

// Which runs a command line asks for. A run is selected when it matches one of
// the filters (or there is none) and one of the --only ids (or there is none).
struct run_selection {
  std::vector<std::string> filters;  // --filter: substrings or globs of the id
  std::vector<std::string> only;     // --only: exact ids
  // Scenarios whose runs are discovered later (explore.hpp): an --only id of
  // theirs cannot be checked against the plan yet.
  std::vector<std::string> explored_scenarios = {};
};

// Whether `run` passes the --filter and --only parts of `selection`.
bool selected_by(const run_selection& selection, const run_spec& run);

struct selected_runs {
  std::vector<run_spec> runs;       // in plan order, numbered from 0
  std::vector<std::string> errors;  // one per --only id that names no run
};

// The runs of `suites` that `selection` asks for. An --only id that names no
// run of the plan is an error with a did-you-mean among the run ids.
selected_runs select_runs(const std::vector<loaded_suite>& suites, const run_selection& selection);

// Whether the --only id `only` names `run`. Today an id is exactly
// `SCENARIO@ENTRY` (run_spec::id()); this is the one place that decides, so
// explored crash points (issue 6) extend it with `SCENARIO@CHECKPOINT@HIT`.
bool only_names(std::string_view only, const run_spec& run);

// Whether `text` matches the glob `pattern` ('*', '?', no brackets).
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace crashpoint::harness
