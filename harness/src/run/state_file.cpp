// SPDX-License-Identifier: Apache-2.0
// state_file.cpp: JSON for exit statuses, steps and the state file.
#include "run/state_file.hpp"
#include "run/recorder_files.hpp"

#include <fstream>

namespace crashpoint::harness {

nlohmann::json to_json(const exit_status& status) {
  using k = exit_status::kind;
  switch (status.k) {
    case k::exited: return {{"kind", "exited"}, {"exit_code", status.code}};
    case k::signaled:
      return {{"kind", "signaled"}, {"signal", status.signal}, {"signal_name", signal_name(status.signal)}};
    case k::timed_out: return {{"kind", "timed_out"}, {"timeout_ms", status.timeout.count()}};
    case k::not_started: return {{"kind", "not_started"}, {"error", status.error}};
  }
  return {};
}

nlohmann::json to_json(const step_record& step) {
  return {{"phase", step.phase},
          {"argv", step.argv},
          {"env", step.env},
          {"status", to_json(step.status)},
          {"duration_ms", std::chrono::duration<double, std::milli>(step.duration).count()},
          {"stdout", step.stdout_path.string()},
          {"stderr", step.stderr_path.string()}};
}

std::string state_json(const run_spec& run, const run_dirs& dirs, const std::vector<step_record>& steps) {
  nlohmann::json doc{{"scenario", run.scen->name},
                     {"checkpoint", run.checkpoint},
                     {"workdir", dirs.work.string()},
                     {"steps", nlohmann::json::array()}};
  for (const step_record& s : steps) doc["steps"].push_back(to_json(s));
  // A crash step that ran under crashpoint-record left its log of file-system
  // calls beside the workdir (docs/recorder.md, "The log").
  if (std::error_code ec; fs::is_regular_file(recorder_log(dirs), ec))
    doc["io_log"] = recorder_log(dirs).string();
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace crashpoint::harness
