// SPDX-License-Identifier: Apache-2.0
#include "run/recorder_files.hpp"

namespace crashpoint::harness {

fs::path recorder_log(const run_dirs& dirs) { return dirs.dir / "io-log.jsonl"; }
fs::path recorder_result(const run_dirs& dirs) { return dirs.dir / "recorder-result.json"; }
fs::path recorder_payloads(const run_dirs& dirs) { return dirs.dir / "io-payloads"; }
fs::path recorder_undo(const run_dirs& dirs) { return dirs.dir / "io-undo"; }

}  // namespace crashpoint::harness
