// SPDX-License-Identifier: Apache-2.0
// command_line.cpp: record_command_line (recorder.hpp), apart from the tracer
// so that a program that only starts crashpoint-record links none of it.
#include "recorder/recorder.hpp"

namespace crashpoint::recorder {

std::vector<std::string> record_command_line(const std::filesystem::path& recorder_exe,
                                             const record_options& options) {
  std::vector<std::string> argv{recorder_exe.string(), "--root", options.root.string()};
  const auto add = [&](const char* flag, const std::filesystem::path& p) {
    if (p.empty()) return;
    argv.emplace_back(flag);
    argv.push_back(p.string());
  };
  add("--log", options.log);
  add("--result", options.result);
  add("--payloads", options.payloads);
  add("--undo", options.undo);
  if (options.at) {
    argv.emplace_back("--point");
    argv.push_back(options.at->spec());
  }
  argv.emplace_back("--");
  argv.insert(argv.end(), options.command.begin(), options.command.end());
  return argv;
}

}  // namespace crashpoint::recorder
