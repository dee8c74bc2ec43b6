// SPDX-License-Identifier: Apache-2.0
// session_record.hpp: what a `crashpoint run` session did, for the reports.
//
// The console report prints results as they come; the JUnit and JSON reports
// (junit_report.hpp, json_report.hpp) are written once at the end, from this
// record, including when the session was interrupted (then `results` holds the
// runs that completed, and `interrupted` says the rest never ran).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run/run_result.hpp"
#include "plan/shard.hpp"

namespace crashpoint::harness {

// A run of the plan that never ran: the session stopped first.
struct skipped_run {
  std::string scenario, checkpoint;  // the run's id parts
  std::filesystem::path scenario_file;
};

struct session_record {
  std::vector<run_result> results;  // the completed runs, in plan order
  std::size_t planned = 0;          // runs in the plan (of this shard)
  // Interrupted: the runs known to the plan that did not run, in plan order
  // (crash points not discovered yet are not known).
  std::vector<skipped_run> skipped;
  bool interrupted = false;
  std::optional<shard_spec> shard;
  std::chrono::system_clock::time_point started;
  std::chrono::nanoseconds duration{};  // wall time of the whole session

  std::size_t failed() const;
};

// A failure kind as an identifier: "passed", "assertion_failed", ...
std::string kind_id(failure_kind k);

// Seconds with millisecond precision, as JUnit's `time` takes them: "0.014".
std::string seconds_text(std::chrono::nanoseconds d);

// "2026-11-26T04:31:23Z" (UTC).
std::string utc_timestamp(std::chrono::system_clock::time_point t);

// `path` shown relative to the current folder when it lies inside it.
std::string display_path(const std::filesystem::path& path);

// Writes `text` to `file` through a temporary file in the same folder and a
// rename, so a reader sees the old file or the whole new one. False with
// `error` set on failure (the temporary file is removed).
bool write_file_atomically(const std::filesystem::path& file, const std::string& text, std::string& error);

}  // namespace crashpoint::harness
