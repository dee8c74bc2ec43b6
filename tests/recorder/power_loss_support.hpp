// SPDX-License-Identifier: Apache-2.0
// power_loss_support.hpp: recording a fixture with --undo and rebuilding a
// crash state with the real `crashpoint-record --rebuild`, for the
// power-loss tests.
//
//   power_loss_dir d;                                   // work/, and beside it the log, payloads, undo
//   d.write("data", old_text);                          // the tree before the command
//   recording r = d.record_at(3, {fixture_path("rec_pl_save"), "rename", d.work(), "1300"});   // sys:*@3
//   harness::command_result c = d.rebuild({"--state", "clean"});
//   d.read("data");
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "recorder_support.hpp"

namespace crashpoint::test {

class power_loss_dir : public recorder_dir {
 public:
  fs::path undo_path() const { return path() / "undo"; }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(work() / name, std::ios::binary) << text;
  }
  std::string read(const std::string& name) const { return read_file(work() / name); }
  bool exists(const std::string& name) const { return fs::exists(work() / name); }

  // Records `command` with --undo, crashing before the Nth modelled call (0: no point).
  recording record_at(int n, const std::vector<std::string>& command) const {
    std::vector<std::string> options{"--undo", undo_path().string()};
    if (n > 0) {
      options.emplace_back("--point");
      options.push_back("sys:*@" + std::to_string(n));
    }
    return record(options, command);
  }

  // crashpoint-record --rebuild with this folder's files and `options`.
  harness::command_result rebuild(const std::vector<std::string>& options) const {
    std::vector<std::string> argv{"--rebuild",         "--root",     work().string(),          "--log",
                                  log_path().string(), "--payloads", payloads_path().string(), "--undo",
                                  undo_path().string()};
    argv.insert(argv.end(), options.begin(), options.end());
    return spawn(record_exe(), argv, {}, path());
  }
  std::vector<std::string> list_states() const {
    const harness::command_result r =
        spawn(record_exe(),
              {"--rebuild", "--log", log_path().string(), "--undo", undo_path().string(), "--list-states"},
              {}, path());
    std::vector<std::string> out;
    std::istringstream in(r.out.text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
};

// The lines of `text` that start with "lost: ", without it.
inline std::vector<std::string> lost_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("lost: ", 0) == 0) out.push_back(line.substr(6));
  }
  return out;
}

}  // namespace crashpoint::test
