// SPDX-License-Identifier: Apache-2.0
// command_launcher.hpp: how a run starts its commands.
//
// Every command of a run (setup steps, the crash command, recovery and
// assertion commands) is started through the command_launcher of its
// run_options. The harness's own, process_launcher(), is run_command
// (process.hpp) and nothing more. A test hands the runner a fake that returns
// the status and output it wants, so the verdict logic (crash confirmation,
// the failure classes and their reasons) is tested without starting a process:
//
//   struct exits_zero : command_launcher {
//     command_result run(const command&) override {
//       command_result r;
//       r.status.k = exit_status::kind::exited;
//       r.status.code = 0;
//       return r;
//     }
//   };
//
// A session's worker threads call run() at once: a launcher must allow that.
#pragma once

#include "process/process.hpp"

namespace crashpoint::harness {

class command_launcher {
 public:
  virtual ~command_launcher() = default;
  // Runs `cmd` to completion, as run_command does: never throws for what the
  // command does; a command that cannot start is a not_started status.
  virtual command_result run(const command& cmd) = 0;
};

// The real launcher: run_command. One for the whole process, stateless.
command_launcher& process_launcher();

}  // namespace crashpoint::harness
