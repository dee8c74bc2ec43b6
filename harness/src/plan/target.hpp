// SPDX-License-Identifier: Apache-2.0
// target.hpp: finds the executable behind a suite's `[target] command`.
#pragma once

#include <optional>
#include <string>

#include "scenario/scenario.hpp"

namespace crashpoint::harness {

// The absolute path of the suite's target. `override_path` (--target) wins and
// is taken relative to the current directory; a command with a '/' is taken
// relative to the suite file's folder; a bare name is looked up on PATH.
// Returns an empty path and sets `error` when it is missing or not executable.
fs::path resolve_target(const suite& s, const std::optional<fs::path>& override_path, std::string& error);

// `name` looked up in the colon-separated `path_var`; empty when not found.
fs::path find_on_path(const std::string& name, const std::string& path_var);

}  // namespace crashpoint::harness
