// SPDX-License-Identifier: Apache-2.0
// rerun_command.hpp: the command line that reruns one failed run alone, as the
// console lists it at the end of a session:
//
//   crashpoint run --only 'deposit@deposit_after_balance' --target build/mytool scenarios
//
// It repeats what decides the run's verdict, or whether its id exists at all:
// the subcommand (run or explore), --target and --timeout, and for exploration
// --max-hits, --include, --exclude and --double; then the paths. The id is
// always in single quotes, every other word only when the shell needs it. A
// discovery that failed has no run id of its own: `--filter 'SCENARIO@*'`
// reruns its scenario.
#pragma once

#include <string>

#include "cli/cli_options.hpp"
#include "run/run_result.hpp"

namespace crashpoint::harness {

std::string rerun_command(const cli_options& o, const run_result& r);

}  // namespace crashpoint::harness
