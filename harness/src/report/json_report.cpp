// SPDX-License-Identifier: Apache-2.0
// json_report.cpp: the JSON report (see json_report.hpp).
#include "report/json_report.hpp"

#include "run/state_file.hpp"

namespace crashpoint::harness {
namespace {

double milliseconds(std::chrono::nanoseconds d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

nlohmann::json summary(const session_record& session) {
  const std::size_t completed = session.results.size(), failed = session.failed();
  return {{"planned", session.planned},
          {"completed", completed},
          {"passed", completed - failed},
          {"failed", failed},
          {"not_run", session.planned - std::min(session.planned, completed)}};
}

}  // namespace

nlohmann::json to_json(const run_result& r) {
  nlohmann::json steps = nlohmann::json::array();
  for (const step_record& s : r.steps) steps.push_back(to_json(s));
  return {{"id", r.scenario + "@" + r.checkpoint},
          {"scenario", r.scenario},
          {"checkpoint", r.checkpoint},
          {"scenario_file", display_path(r.scenario_file)},
          {"verdict", r.passed() ? "passed" : "failed"},
          {"kind", kind_id(r.kind)},
          {"reason", r.reason},
          {"details", r.details},
          {"call", r.point_call},
          {"warnings", r.warnings},
          {"crash_state", r.crash_state.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.crash_state)},
          {"lost", r.lost},
          {"reproduce", r.reproduce},
          {"run_dir", r.run_dir.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.run_dir.string())},
          {"duration_ms", milliseconds(r.duration)},
          {"steps", std::move(steps)}};
}

nlohmann::json to_json(const session_record& session) {
  nlohmann::json runs = nlohmann::json::array();
  for (const run_result& r : session.results) runs.push_back(to_json(r));
  nlohmann::json shard = nullptr;
  if (session.shard) shard = {{"index", session.shard->index + 1}, {"total", session.shard->total}};
  return {{"format_version", 1},
          {"started_at", utc_timestamp(session.started)},
          {"duration_ms", milliseconds(session.duration)},
          {"interrupted", session.interrupted},
          {"shard", std::move(shard)},
          {"summary", summary(session)},
          {"runs", std::move(runs)}};
}

std::string json_report_text(const session_record& session) {
  return to_json(session).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace crashpoint::harness
