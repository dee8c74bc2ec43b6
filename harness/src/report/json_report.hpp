// SPDX-License-Identifier: Apache-2.0
// json_report.hpp: `crashpoint run --json FILE`, every run and every step.
//
//   {
//     "format_version": 1,
//     "started_at": "2026-11-26T04:31:23Z", "duration_ms": 31.4,
//     "interrupted": false,
//     "shard": {"index": 2, "total": 3},          // 1-based, as --shard; null when not sharded
//     "summary": {"planned": 2, "completed": 2, "passed": 1, "failed": 1, "not_run": 0},
//     "runs": [
//       {"id": "deposit@deposit_after_balance", "scenario": "deposit",
//        "checkpoint": "deposit_after_balance", "scenario_file": "scenarios/deposit.toml",
//        "verdict": "failed", "kind": "assertion_failed",
//        "reason": "1 of 3 assertions failed after recovery",
//        "details": ["scenarios/deposit.toml:31:1: file ledger/balance is ..."],
//        "reproduce": "cd \"$(mktemp -d)\"\n...", "run_dir": "/tmp/crashpoint-Ab12Cd/0002-...",
//        "duration_ms": 15.2,
//        "steps": [ ...as in CRASHPOINT_STATE (state_file.hpp)... ]}
//     ]
//   }
//
// `runs` holds the completed runs in plan order; a passed run has kind
// "passed", an empty reason and usually a null run_dir (removed). Text that is
// not valid UTF-8 is written with U+FFFD in place of the bad bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "session/session_record.hpp"

namespace crashpoint::harness {

nlohmann::json to_json(const run_result& r);
nlohmann::json to_json(const session_record& session);

// The document as written to the file: indented, ending with a newline.
std::string json_report_text(const session_record& session);

}  // namespace crashpoint::harness
