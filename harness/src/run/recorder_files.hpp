// SPDX-License-Identifier: Apache-2.0
// recorder_files.hpp: where a run keeps what crashpoint-record wrote for its
// crash step: beside the workdir in the run's folder, never in it, so that
// the command it traced cannot change them.
#pragma once

#include "workdir/workdir.hpp"

namespace crashpoint::harness {

fs::path recorder_log(const run_dirs& dirs);       // every modelled call (CRASHPOINT_STATE's io_log)
fs::path recorder_result(const run_dirs& dirs);    // the recorder's verdict
fs::path recorder_payloads(const run_dirs& dirs);  // the bytes of every write (power loss)
fs::path recorder_undo(const run_dirs& dirs);      // the files' pre-images (power loss)

}  // namespace crashpoint::harness
