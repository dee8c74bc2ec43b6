// SPDX-License-Identifier: Apache-2.0
// exit_codes.hpp: the crashpoint executable's exit statuses, one meaning each.
#pragma once

namespace crashpoint::harness {

enum exit_code : int {
  exit_ok = 0,              // every run passed (or: the files are valid)
  exit_failures = 1,        // at least one run failed
  exit_usage = 2,           // bad command line, invalid suite/scenario files, no temporary
                            // folder can be made under TMPDIR, or `init` cannot write its
                            // files: nothing ran (or, for init, nothing was written)
  exit_interrupted = 130,   // SIGINT, SIGTERM or SIGHUP: partial results were reported
  exit_output_closed = 141  // stdout's reader went away (EPIPE): stopped as for 130;
                            // 128 + SIGPIPE, what a shell shows for `cmd | head`
};

}  // namespace crashpoint::harness
