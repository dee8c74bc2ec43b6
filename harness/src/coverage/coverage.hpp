// SPDX-License-Identifier: Apache-2.0
// coverage.hpp: `crashpoint coverage`: which checkpoints the scenarios crash at.
//
//     crashpoint coverage --source src [--run] [--require-all] [--json FILE] [PATHS]
//
// Scans the sources for checkpoint definitions (source_scan.hpp), loads the
// scenarios, and prints per checkpoint where it is defined, which scenarios
// name it and, with --run, how many hits a traced unarmed run of each
// scenario's crash command reached (a `checkpoints = "auto"` scenario covers
// exactly what its traced run reaches, so it counts only with --run):
//
//     checkpoint            defined at                scenarios    reached
//     compact_before_swap   compact.rs:3              (none)       no
//     index_after_write     index.c:5                 auto, index  2 hits
//     journal_after_append  index.c:6, journal.cpp:5  append       2 hits
//
// A name that a scenario names but no source defines is an error (a typo, or a
// checkpoint that was removed), listed with the scenario's file:line:column.
// Exit status: 2 for bad input (no --source, an unreadable folder, an invalid
// regex or scenario file); 1 for an undefined name, a failed traced run, or
// with --require-all a defined checkpoint that no scenario covers; 0 otherwise.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "run/trace_file.hpp"  // crash_point
#include "scenario/scenario.hpp"
#include "coverage/source_scan.hpp"

namespace CLI {
class App;
}

namespace crashpoint::harness {

struct coverage_options {
  std::vector<std::string> source_dirs;
  std::vector<std::string> patterns;  // extra regexes, capture group 1 = name
  bool run = false;
  bool require_all = false;
  std::string json_file;
  std::string target;
  unsigned jobs = 1;
  std::string colour_text = "auto";  // --color: auto, always, never
};

// Prints the report (to `out`, default stdout) and returns the exit status.
int command_coverage(const std::vector<std::string>& scenario_paths, const coverage_options& o);
int command_coverage(const std::vector<std::string>& scenario_paths, const coverage_options& o,
                     std::FILE* out);

// Registers the positional PATHS, --source (repeatable, required), --pattern
// (repeatable), --run, --require-all, --json FILE, --target and -j,--jobs.
void add_coverage_options(CLI::App& cmd, std::vector<std::string>& scenario_paths, coverage_options& o);

// ---- the report model ----

struct checkpoint_coverage {
  std::string name;
  std::vector<definition> defined_at;               // empty: reached by a traced run, found in no source
  std::vector<std::string> scenarios;               // the scenarios that cover it, sorted
  std::map<std::string, std::uint64_t> reached_by;  // with --run: scenario -> hits reached
  std::uint64_t hits() const;
};

// A name a scenario uses that no source defines.
struct undefined_checkpoint {
  std::string name;
  std::string scenario;
  source_location where;   // the entry in the scenario file
  std::string suggestion;  // the closest defined name when it looks like a typo, else ""
};

// The crash points one scenario's traced run reached (--run).
struct traced_scenario {
  const scenario* scen = nullptr;
  std::vector<crash_point> points;
};

struct coverage_report {
  std::vector<checkpoint_coverage> checkpoints;  // by name
  std::vector<undefined_checkpoint> undefined;   // in suite, scenario and entry order
  std::vector<std::string> untraced_auto;        // "auto" scenarios not run: coverage unknown
  bool ran = false;                              // reached_by is known
  std::vector<std::string> sources;              // the --source folders, as given
};

struct coverage_summary {
  std::size_t defined = 0, covered = 0, uncovered = 0, undefined = 0;
  std::size_t reached = 0;         // defined checkpoints a traced run reached (--run)
  std::size_t not_in_sources = 0;  // reached, but defined in no source file
};

// The checkpoint names of one `checkpoints` entry: "a@2=kill, b" -> {a, b}.
std::vector<std::string> entry_checkpoint_names(const std::string& entry);

// Joins definitions, scenario entries and (with --run) traces into the report.
coverage_report build_coverage(const scan_result& scan, const std::vector<loaded_suite>& suites,
                               const std::optional<std::vector<traced_scenario>>& traces);

coverage_summary summarize(const coverage_report& r);

// 1 when a name is undefined, or with `require_all` when a checkpoint is uncovered; else 0.
int coverage_exit_code(const coverage_report& r, bool require_all);

}  // namespace crashpoint::harness
