// SPDX-License-Identifier: Apache-2.0
// state_file.hpp: CRASHPOINT_STATE, the run so far as JSON.
//
// Written before every recovery and assertion command, so that a user's own
// script can inspect what happened:
//
//   {
//     "scenario": "deposit", "checkpoint": "deposit_after_intent",
//     "workdir": "/tmp/crashpoint-Ab12Cd/0001-deposit@deposit_after_intent/work",
//     "steps": [
//       {"phase": "crash", "argv": ["/path/minikv", "put", "a", "1"],
//        "env": {"CRASHPOINT": "deposit_after_intent", ...},
//        "status": {"kind": "signaled", "signal": 6, "signal_name": "SIGABRT"},
//        "duration_ms": 3.2, "stdout": "/tmp/.../logs/1-crash.out", "stderr": "..."}
//     ],
//     "io_log": "/tmp/.../io-log.jsonl"
//   }
//
// io_log is there when the crash step ran under crashpoint-record (a `sys:`
// entry): its log of the file-system calls the crash command made.
//
// status.kind is "exited" (with "exit_code"), "signaled" (with "signal" and
// "signal_name"), "timed_out" or "not_started" (with "error").
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "run/run_result.hpp"
#include "workdir/workdir.hpp"

namespace crashpoint::harness {

nlohmann::json to_json(const exit_status& status);
nlohmann::json to_json(const step_record& step);

// The state file's text.
std::string state_json(const run_spec& run, const run_dirs& dirs, const std::vector<step_record>& steps);

}  // namespace crashpoint::harness
