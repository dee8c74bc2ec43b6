// SPDX-License-Identifier: Apache-2.0
// syscall_crash.hpp: crashing a command at its Nth file-system call, from
// outside: the crash step of a `sys:CALL@HIT` entry runs under
// crashpoint-record (docs/recorder.md), and only the recorder's result file
// confirms the crash: the call was reached, the kill was delivered, nothing
// the command started was left running. A command cannot fake that file: it
// lies outside the workdir and the recorder writes it after everything ended.
//
//   const fs::path rec = find_recorder();           // throws recorder_missing
//   argv = recorded_argv(rec, dirs, "sys:rename@1", crash_argv);
//   ... run argv ...
//   syscall_verdict v = judge_syscall_crash(dirs, "sys:rename@1", ends, result);
//   v.call == R"(rename("data.tmp", "data"))"
//
// Discovery runs the crash command under the recorder with no point and turns
// every modelled call of its log into a crash point: (`sys:write`, 3) for the
// third write, which `explore` then arms as `sys:write@3`.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "process/process.hpp"
#include "run/crash_check.hpp"
#include "run/recorder_files.hpp"
#include "run/trace_file.hpp"
#include "scenario/scenario.hpp"
#include "workdir/workdir.hpp"

namespace crashpoint::harness {

struct recorder_missing : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// crashpoint-record: $CRASHPOINT_RECORD, else beside the running executable,
// else where the package installs it, else where this build made it.
fs::path find_recorder();

// The crashpoint-record command line that runs `argv` with `point` armed
// ("" for none: discovery, or an embedded checkpoint), modelling only the
// workdir. `history`: also keep the payloads and pre-images that rebuilding
// a crash state needs (crash_rebuild.hpp).
std::vector<std::string> recorded_argv(const fs::path& recorder, const run_dirs& dirs,
                                       const std::string& point, const std::vector<std::string>& argv,
                                       bool history = false);

struct syscall_verdict {
  crash_verdict verdict;
  std::string call;                   // the call at the point, as describe(io_op) shows it; "" if not reached
  std::vector<std::string> warnings;  // what the recorder could not see
};

// Judges a crash step that ran under the recorder with `point` armed. A kill
// point is confirmed when the call was reached, the kill delivered and every
// process reaped; a fail point (`=error(E)`) when the call was reached and the
// command then ended as `ends` allows (default: any non-zero exit: a program
// must not report success after a failed fsync).
syscall_verdict judge_syscall_crash(const run_dirs& dirs, const std::string& point,
                                    const std::vector<end_condition>& ends, const command_result& result);

// The syscall crash points of a discovery run's log, in the order first seen:
// one per modelled call, named by its kind (`sys:write`) with its hit number,
// killed just before it; and one just after the last call returns
// (`sys:rename@1+`): the state the command's completed work left.
// Throws std::runtime_error when the log cannot be read.
std::vector<crash_point> syscall_points(const run_dirs& dirs);

}  // namespace crashpoint::harness
