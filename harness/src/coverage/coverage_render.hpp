// SPDX-License-Identifier: Apache-2.0
// coverage_render.hpp: `crashpoint coverage` as a table and as JSON.
//
// The table: one aligned row per checkpoint, then the undefined names (each a
// diagnostic naming the scenario's file:line:column), notes, and a summary:
//
//     checkpoint            defined at                scenarios    reached
//     compact_before_swap   compact.rs:3              (none)       no
//     dynamic_point         (not in sources)          auto         1 hit
//     journal_after_append  index.c:6, journal.cpp:5  append       2 hits
//
//     undefined checkpoints (named by a scenario, defined in no source):
//       scenarios/typo.toml:2:16: error: scenario `typo` names checkpoint
//       `journal_aftr_rename`, which no source defines (did you mean `journal_after_rename`?)
//
//     6 checkpoints: 5 covered, 1 not covered; 1 undefined name; 5 reached; 1 reached but in no source
//
// The reached column appears with --run only. The JSON document (--json FILE):
//
//     {"format_version": 1, "sources": ["src"], "ran": true,
//      "checkpoints": [{"name": "index_after_write",
//                       "defined_at": [{"file": "index.c", "line": 5}],
//                       "scenarios": ["auto", "index"],
//                       "reached": true, "hits": 2, "reached_by": {"auto": 1, "index": 1}}, ...],
//      "undefined": [{"name": "journal_aftr_rename", "scenario": "typo",
//                     "file": "/abs/scenarios/typo.toml", "line": 2, "column": 16,
//                     "did_you_mean": "journal_after_rename"}],
//      "untraced_auto_scenarios": [],
//      "summary": {"checkpoints": 6, "covered": 5, "uncovered": 1, "undefined": 1,
//                  "reached": 5, "not_in_sources": 1}}
//
// A row "(not in sources)" is a name a traced run reached that no source
// defines (built at run time, or behind a wrapper: see --pattern).
//
// Without --run, "reached", "hits", "reached_by" and summary.reached are null.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "coverage/coverage.hpp"

namespace crashpoint::harness {

// `colour`: ANSI colours for uncovered and undefined checkpoints.
std::string coverage_table(const coverage_report& r, bool colour);

nlohmann::json to_json(const coverage_report& r);

// The document as written to the file: indented, ending with a newline.
std::string coverage_json_text(const coverage_report& r);

}  // namespace crashpoint::harness
