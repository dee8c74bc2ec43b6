// SPDX-License-Identifier: Apache-2.0
#include "run/syscall_crash.hpp"

#include <unistd.h>

#include <cstdlib>
#include <map>
#include <system_error>

#include "recorder/log_reader.hpp"
#include "recorder/point.hpp"
#include "recorder/recorder.hpp"
#include "recorder/result_file.hpp"

namespace crashpoint::harness {
namespace {

bool executable(const fs::path& p) { return !p.empty() && ::access(p.c_str(), X_OK) == 0; }

fs::path beside_this_executable() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : self.parent_path() / "crashpoint-record";
}

crash_verdict failed(crash_outcome outcome, std::string detail) { return {outcome, "", std::move(detail)}; }

std::string counts_text(const recorder::record_result& r) {
  if (r.counts.by_kind.empty()) return "no modelled file-system call under the workdir";
  std::string out;
  for (const auto& [kind, n] : r.counts.by_kind) {
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
  }
  return out;
}

bool ended_as(const std::vector<end_condition>& ends, const exit_status& status) {
  if (ends.empty()) return status.k == exit_status::kind::exited && status.code != 0;
  for (const end_condition& e : ends) {
    if (end_matches(e, status)) return true;
  }
  return false;
}

std::string ends_text(const std::vector<end_condition>& ends) {
  if (ends.empty()) return "a non-zero exit";
  std::string out;
  for (const end_condition& e : ends) out += (out.empty() ? "" : " or ") + describe(e);
  return out;
}

crash_verdict judge_kill(const recorder::point_report& p, const command_result& result) {
  if (!p.kill_delivered) {
    return failed(crash_outcome::crashed_elsewhere,
                  "the call was reached but the process making it did not die of the recorder's SIGKILL (it "
                  "ended with " +
                      result.status.describe() + ")");
  }
  if (!p.all_reaped) {
    return failed(
        crash_outcome::crashed_elsewhere,
        "killed at the call, but a process the command started was still running when the recorder ended");
  }
  return {crash_outcome::confirmed, p.spec, ""};
}

crash_verdict judge_fail(const recorder::point_report& p, const std::vector<end_condition>& ends,
                         const command_result& result) {
  if (ended_as(ends, result.status)) return {crash_outcome::confirmed, p.spec, ""};
  return failed(crash_outcome::wrong_end,
                "the call failed as armed, but the command then ended with " + result.status.describe() +
                    ", expected " + ends_text(ends) +
                    (result.status.code == 0 ? ": it reported success after a failed call" : ""));
}

}  // namespace

fs::path find_recorder() {
  std::vector<fs::path> tried;
  if (const char* env = std::getenv("CRASHPOINT_RECORD"); env != nullptr && *env != '\0') {
    if (executable(env)) return env;
    throw recorder_missing(std::string("CRASHPOINT_RECORD names ") + env +
                           ", which is not an executable file");
  }
  tried.push_back(beside_this_executable());
#ifdef CRASHPOINT_RECORD_INSTALLED
  tried.emplace_back(CRASHPOINT_RECORD_INSTALLED);
#endif
#ifdef CRASHPOINT_RECORD_BUILT
  tried.emplace_back(CRASHPOINT_RECORD_BUILT);
#endif
  std::string list;
  for (const fs::path& p : tried) {
    if (executable(p)) return p;
    if (!p.empty()) list += (list.empty() ? "" : ", ") + p.string();
  }
  throw recorder_missing("syscall crash points need crashpoint-record, which is not in " + list +
                         " (set CRASHPOINT_RECORD to its path)");
}

std::vector<std::string> recorded_argv(const fs::path& recorder, const run_dirs& dirs,
                                       const std::string& point, const std::vector<std::string>& argv,
                                       bool history) {
  recorder::record_options o;
  o.command = argv;
  o.root = dirs.work;
  o.log = recorder_log(dirs);
  o.result = recorder_result(dirs);
  if (!point.empty()) o.at = recorder::parse_point(point).value;
  if (history) {
    o.payloads = recorder_payloads(dirs);
    o.undo = recorder_undo(dirs);
  }
  return recorder::record_command_line(recorder, o);
}

syscall_verdict judge_syscall_crash(const run_dirs& dirs, const std::string& point,
                                    const std::vector<end_condition>& ends, const command_result& result) {
  syscall_verdict out;
  if (result.status.k == exit_status::kind::timed_out) {
    out.verdict = failed(crash_outcome::timed_out, result.status.describe());
    return out;
  }
  recorder::record_result r;
  try {
    r = recorder::read_result(recorder_result(dirs));
  } catch (const recorder::result_error& e) {
    out.verdict = failed(crash_outcome::crashed_elsewhere,
                         "the recorder did not finish (" + result.status.describe() + "): " + e.what());
    return out;
  }
  for (const auto& w : r.warnings) out.warnings.push_back(w.kind + ": " + w.message);
  if (r.end.k == recorder::command_end::kind::not_started) {
    out.verdict = failed(crash_outcome::not_started, r.end.describe());
    return out;
  }
  if (!r.point || !r.point->reached) {
    out.verdict = failed(crash_outcome::not_reached, "the command ended with " + r.end.describe() +
                                                         " without reaching " + point + " (it made " +
                                                         counts_text(r) + ")");
    return out;
  }
  if (r.point->call) out.call = recorder::describe(*r.point->call);
  out.verdict = r.point->action == "fail" ? judge_fail(*r.point, ends, result) : judge_kill(*r.point, result);
  return out;
}

std::vector<crash_point> syscall_points(const run_dirs& dirs) {
  std::vector<crash_point> out;
  std::map<std::string, std::uint64_t> hits;
  try {
    recorder::read_log(recorder_log(dirs), [&](recorder::log_entry&& e) {
      const auto* op = std::get_if<recorder::io_op>(&e);
      if (op == nullptr || op->how == recorder::outcome::not_executed) return;
      std::string name = std::string(recorder::point_prefix) + std::string(recorder::name(op->kind));
      const std::uint64_t hit = ++hits[name];
      out.push_back({std::move(name), hit, false});
    });
  } catch (const recorder::log_error& e) {
    throw std::runtime_error(std::string("the recorder's log cannot be read: ") + e.what());
  }
  // Just after the last call returns: the command's changes all made, as
  // when it acknowledges its work. Under power loss, what that left unsynced.
  if (!out.empty()) out.push_back({out.back().name, out.back().hit, false, true});
  return out;
}

}  // namespace crashpoint::harness
