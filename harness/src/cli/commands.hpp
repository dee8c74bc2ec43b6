// SPDX-License-Identifier: Apache-2.0
// commands.hpp: the `run`, `list` and `validate` subcommands (`init`: init_command.hpp).
#pragma once

#include "cli/cli_options.hpp"

namespace crashpoint::harness {

int command_run(const cli_options& o);  // `explore` too, with explore_all
int command_list(const cli_options& o);
int command_validate(const cli_options& o);

}  // namespace crashpoint::harness
