// SPDX-License-Identifier: Apache-2.0
// cli.hpp: the `crashpoint` command line.
//
//   crashpoint run [PATHS...]       run every scenario x checkpoint (default ./scenarios)
//   crashpoint list [PATHS...]      print the runs `run` would execute, one id per line
//   crashpoint validate [PATHS...]  parse every file, run nothing
//   crashpoint init --target PATH --checkpoint NAME [DIR]   write a starter suite
//
// Exit statuses: exit_codes.hpp. The executable's main() only calls run_cli(),
// so a user's own harness executable can do the same after registering things.
#pragma once

namespace crashpoint::harness {

int run_cli(int argc, char** argv);

}  // namespace crashpoint::harness
