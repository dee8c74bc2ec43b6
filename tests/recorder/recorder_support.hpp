// SPDX-License-Identifier: Apache-2.0
// recorder_support.hpp: running the real crashpoint-record on a fixture
// program and reading back what it wrote, for the recorder's tests.
//
//   recorder_dir d;                                   // d.work() is --root
//   recording r = d.record({"--point", "sys:rename@1"}, {fixture_path("rec_save"), "rename", d.work()});
//   CHECK(killed_by(r.run, SIGKILL));
//   CHECK(r.described() == std::vector<std::string>{R"(openat("data.tmp", ...))", ...});
//
// The log and the result file go next to the root, never inside it, as
// docs/recorder.md tells callers to do.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "files.hpp"
#include "recorder/io_op.hpp"
#include "recorder/log_reader.hpp"
#include "recorder/result_file.hpp"
#include "spawn.hpp"

namespace crashpoint::test {

namespace rec = crashpoint::recorder;

inline fs::path record_exe() { return CRASHPOINT_RECORD_EXE; }
inline std::string fixture_path(const std::string& name) {
  return (fs::path(CRASHPOINT_RECORDER_FIXTURE_DIR) / name).string();
}

struct recording {
  harness::command_result run;  // how crashpoint-record ended and what it printed
  std::vector<rec::log_entry> log;
  rec::log_summary summary;
  rec::record_result result;
  std::string payloads;

  std::vector<rec::io_op> calls() const {
    std::vector<rec::io_op> out;
    for (const auto& e : log) {
      if (const auto* op = std::get_if<rec::io_op>(&e)) out.push_back(*op);
    }
    return out;
  }
  // Each call as users read it, in log order.
  std::vector<std::string> described() const {
    std::vector<std::string> out;
    for (const rec::io_op& op : calls()) out.push_back(rec::describe(op));
    return out;
  }
  std::vector<rec::process_event> events(rec::process_event::type what) const {
    std::vector<rec::process_event> out;
    for (const auto& e : log) {
      if (const auto* ev = std::get_if<rec::process_event>(&e); ev != nullptr && ev->what == what)
        out.push_back(*ev);
    }
    return out;
  }
  // The warning of that kind from the result file, if any.
  const rec::warning_report* warning(const std::string& kind) const {
    for (const auto& w : result.warnings) {
      if (w.kind == kind) return &w;
    }
    return nullptr;
  }
  bool logged_warning(const std::string& kind) const {
    return std::any_of(log.begin(), log.end(), [&](const rec::log_entry& e) {
      const auto* w = std::get_if<rec::warning>(&e);
      return w != nullptr && w->kind == kind;
    });
  }
  // The payload bytes of one call.
  std::string payload_of(const rec::io_op& op) const {
    if (!op.payload || !op.payload_length) return {};
    return payloads.substr(static_cast<std::size_t>(*op.payload),
                           static_cast<std::size_t>(*op.payload_length));
  }
};

// A temporary folder holding the root (work/) and, beside it, the recorder's files.
class recorder_dir {
 public:
  recorder_dir() { fs::create_directory(work()); }
  fs::path work() const { return dir_.path() / "work"; }
  fs::path path() const { return dir_.path(); }
  fs::path log_path() const { return dir_.path() / "io.jsonl"; }
  fs::path result_path() const { return dir_.path() / "result.json"; }
  fs::path payloads_path() const { return dir_.path() / "payloads.bin"; }

  std::vector<std::string> recorder_argv(std::vector<std::string> options,
                                         const std::vector<std::string>& command) const {
    std::vector<std::string> argv{"--root",   work().string(),        "--log",      log_path().string(),
                                  "--result", result_path().string(), "--payloads", payloads_path().string()};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.emplace_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
    return argv;
  }

  // Runs the recorder and reads its log, result and payloads.
  recording record(std::vector<std::string> options, const std::vector<std::string>& command) const {
    recording r;
    r.run = spawn(record_exe(), recorder_argv(std::move(options), command), {}, dir_.path());
    r.summary = rec::read_log(log_path(), [&](rec::log_entry&& e) { r.log.push_back(std::move(e)); });
    r.result = rec::read_result(result_path());
    r.payloads = read_file(payloads_path());
    return r;
  }

 private:
  temp_dir dir_;
};

}  // namespace crashpoint::test
