// SPDX-License-Identifier: Apache-2.0
// scenario_loader.hpp: finds suite and scenario files and parses them (toml++).
//
// Given the paths from the command line (files or folders), it finds every
// scenario file (`*.toml` other than crashpoint.toml, searched recursively),
// attaches each to the nearest crashpoint.toml in its folder or a parent, and
// parses both into the model of scenario.hpp. A file reached through several
// paths (a folder and a link to it, a hard link) is loaded once: files are
// compared by device and inode. With more than one suite, each scenario's name
// starts with its suite's folder relative to the folder common to all suites
// (`app/scenarios/save`, `lib/scenarios/save`), so run ids never collide.
// It reports every problem it can find, each naming file:line:column and what
// was expected, rather than stopping at the first; callers run nothing when
// any error was reported.
#pragma once

#include <string>
#include <vector>

#include "scenario/diagnostic.hpp"
#include "scenario/scenario.hpp"

namespace crashpoint::harness {

struct load_result {
  std::vector<loaded_suite> suites;  // one per crashpoint.toml, scenarios sorted by name
  std::vector<diagnostic> errors;
};

load_result load_scenarios(const std::vector<fs::path>& paths);

}  // namespace crashpoint::harness
