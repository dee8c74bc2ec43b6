// SPDX-License-Identifier: Apache-2.0
// explore.hpp: find every crash point instead of listing them by hand.
//
// A scenario with `checkpoints = "auto"` (or any scenario under `crashpoint
// explore`) is first run unarmed with the trace on: every (checkpoint, hit) the
// crash command reaches is a crash point. Each then gets a run of its own,
// arming exactly that hit (`NAME@HIT`), with the scenario's own recovery and
// assertions. With --double, the recovery after each crash is traced too, and
// every checkpoint hit recovery reaches gets a run that crashes recovery there,
// then recovers cleanly and checks the assertions: recovery code must survive
// a crash as well.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "run/run_result.hpp"
#include "session/explore_options.hpp"
#include "run/trace_file.hpp"  // crash_point

namespace crashpoint::harness {

// Keeps the points `opts` selects (include/exclude globs, max_hits).
std::vector<crash_point> select_points(const std::vector<crash_point>& points, const explore_options& opts);

// One run per point, derived from `base` (a run of the scenario). A scenario
// that expects a crash crashes at panic points (`NAME@HIT`) and at fail points
// too (`NAME@HIT=abort`: a crash there must be recoverable as well); one that
// expects an error explores its fail points only.
std::vector<run_spec> point_runs(const run_spec& base, const std::vector<crash_point>& points);

// One run per recovery point of `crashed`: crash at crashed's entry, then at
// the recovery point during recovery (its label is "CRASH+RECOVERY").
std::vector<run_spec> recovery_point_runs(const run_spec& crashed,
                                          const std::vector<crash_point>& recovery_points);

// Per checkpoint: how many crash points were run, passed and failed.
std::string crash_point_table(const std::vector<run_result>& results);

}  // namespace crashpoint::harness
