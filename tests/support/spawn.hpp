// SPDX-License-Identifier: Apache-2.0
// spawn.hpp: runs fixture programs and the crashpoint executable from tests.
//
// Tests observe behaviour from outside, as users do: exit status or signal,
// stdout and stderr. This wraps the harness's own process runner with the
// paths CMake passes in.
#pragma once

#include <csignal>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "process/process.hpp"
#include "temp_dir.hpp"  // most tests that spawn want a folder too

namespace crashpoint::test {

namespace fs = std::filesystem;
using env_vars = std::map<std::string, std::string>;

inline fs::path fixture(const std::string& name) { return fs::path(CRASHPOINT_TEST_FIXTURE_DIR) / name; }
inline fs::path source_dir() { return CRASHPOINT_TEST_SOURCE_DIR; }

// Runs `exe args...` with exactly `env` (plus PATH), in `cwd` (default: the
// current directory), and returns how it ended and what it printed.
inline harness::command_result spawn(const fs::path& exe, std::vector<std::string> args, env_vars env = {},
                                     fs::path cwd = fs::current_path()) {
  harness::command cmd;
  cmd.argv.push_back(exe.string());
  cmd.argv.insert(cmd.argv.end(), args.begin(), args.end());
  env.emplace("PATH", "/usr/local/bin:/usr/bin:/bin");
  cmd.env = std::move(env);
  cmd.cwd = std::move(cwd);
  cmd.timeout = std::chrono::minutes(2);  // a safety net, never the expected outcome
  return harness::run_command(cmd);
}

inline bool exited_with(const harness::command_result& r, int code) {
  return r.status.k == harness::exit_status::kind::exited && r.status.code == code;
}

inline bool killed_by(const harness::command_result& r, int sig) {
  return r.status.k == harness::exit_status::kind::signaled && r.status.signal == sig;
}

}  // namespace crashpoint::test
