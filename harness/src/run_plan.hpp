// run_plan.hpp: expands loaded suites into runs, one per scenario x checkpoint.
//
// A run is the unit the harness schedules, reports and reproduces: a fresh
// workdir, the setup steps, the crash command with one arming value, recovery,
// assertions. Its id, `SCENARIO@ENTRY`, is what --filter matches and what
// reports print.
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

  std::string id() const { return scen->name + "@" + checkpoint; }
};

// Every run of every suite, in suite, scenario and checkpoint order. Runs whose
// id matches none of `filters` (substrings or globs; empty: all) are left out.
std::vector<run_spec> expand_runs(const std::vector<loaded_suite>& suites,
                                  const std::vector<std::string>& filters);

// Whether `text` matches the glob `pattern` ('*', '?', no brackets).
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace crashpoint::harness
