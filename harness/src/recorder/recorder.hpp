// SPDX-License-Identifier: Apache-2.0
// recorder.hpp: running a command under the I/O recorder, the entry point of
// crashpoint-record and of any program that starts it.
//
// In-process (crashpoint-record's main):
//
//   record_options o;
//   o.command = {"./save", "data"};
//   o.root = "/tmp/run/work";                    // only files under here are modelled
//   o.log = "/tmp/run/logs/io.jsonl";            // JSON Lines, one modelled call per line
//   o.result = "/tmp/run/logs/record.json";      // written once everything has ended
//   o.at = parse_point("sys:rename@1").value;    // optional crash or fail point
//   record_result r = record(o, print_warning);  // blocks; throws record_failure
//
// From another program (the harness), start the executable instead, through
// its own process runner, so that a traced command never shares the caller's
// process (ptrace ties a tracee to the one thread that traces it):
//
//   std::vector<std::string> argv = record_command_line(recorder_exe, o);
//   command_result c = run_command({argv, env, workdir, timeout});   // ends as the command did
//   record_result r = read_result(o.result);    // throws result_error if the recorder did not finish
//
// crashpoint-record exits as the command did (its exit code, or the same
// signal), except for its own statuses below, which only the result file can
// tell apart from a command's own exit code: trust the file, not the code.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "recorder/io_op.hpp"
#include "recorder/launcher.hpp"
#include "recorder/point.hpp"
#include "recorder/result_file.hpp"

namespace crashpoint::recorder {

// crashpoint-record's own exit statuses.
enum record_exit : int {
  record_exit_usage = 2,             // bad command line: nothing ran
  record_exit_failed = 125,          // the recorder could not trace or write its files
  record_exit_cannot_execute = 126,  // the command exists but could not be executed
  record_exit_not_found = 127,       // the command was not found
};

struct record_options {
  std::vector<std::string> command;  // argv; command[0] is looked up in PATH like execvp
  std::filesystem::path root = ".";  // an existing directory
  std::filesystem::path log;         // empty: no log
  std::filesystem::path result;      // empty: no result file
  std::filesystem::path payloads;    // empty: no payloads
  std::filesystem::path undo;  // empty: no pre-images (undo_store.hpp); else a missing or empty directory
  std::optional<point> at;
};

// Runs options.command and every process it starts under the recorder, until
// the first process has ended and everything it left running has been killed.
// Writes the log as it goes and the result file at the end, and returns what
// it wrote there. A command that cannot be executed is not a failure (its end
// is not_started); failing to trace or to write the files throws
// record_failure (or std::system_error), and then no result file is written.
record_result record(const record_options& options,
                     const std::function<void(const warning&)>& on_warning = {});

// The crashpoint-record command line for `options`.
std::vector<std::string> record_command_line(const std::filesystem::path& recorder_exe,
                                             const record_options& options);

}  // namespace crashpoint::recorder
