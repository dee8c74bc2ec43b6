// SPDX-License-Identifier: Apache-2.0
// rebuild_command.hpp: `crashpoint-record --rebuild`, applying a crash state
// to a recorded workdir after the fact, for users and for debugging.
//
//   crashpoint-record --rebuild --root DIR --log FILE --payloads FILE --undo DIR
//                     --state clean|prefix:K|torn:K|crashed
//                     [--corrupt torn|zero|garbage [--seed N]] [--keep-crashed DIR]
//   crashpoint-record --rebuild --log FILE --undo DIR --list-states [--max-states N]
//
// Prints each dropped operation as "lost: write("wal.log", 4096..8192) never
// fsynced", then what corruption damaged and what the rebuild cost. Exit
// status: 0 done; 2 usage error; 3 the inputs cannot be used (a log, payloads
// or undo directory it cannot read, a path outside the root, a state that
// does not exist, a workdir that does not match the log): nothing was
// changed; 125 the rebuild failed part-way.
#pragma once

namespace crashpoint::power_loss {

enum rebuild_exit : int {
  rebuild_exit_ok = 0,
  rebuild_exit_usage = 2,
  rebuild_exit_unusable = 3,
  rebuild_exit_failed = 125,
};

// True when argv asks for the rebuild mode (a --rebuild before any "--").
bool wants_rebuild(int argc, char** argv);
int rebuild_command(int argc, char** argv);

}  // namespace crashpoint::power_loss
