// SPDX-License-Identifier: Apache-2.0
// run_context.hpp: what one run needs while it executes its commands.
//
// It owns the run's directories and environment, runs each command in the
// workdir (recording it as a step, with its output in logs/), and can replay
// the run's commands as shell lines for a failure report.
//
// A command may replace its workdir behind the harness's back: with a
// symbolic link to a folder elsewhere, or by renaming it away and making
// another folder in its place. Later commands (which get the workdir's path
// as their cwd and as CRASHPOINT_WORKDIR) and the harness's own checks would
// then work in that other folder. So the workdir's identity (device and inode)
// is taken when the run's folders are made, and before every command and
// every check the workdir must still be that folder, not a link
// (workdir_problem()); otherwise the command is not started, or the check
// fails, with the reason. (All of a command's processes are dead before the
// next starts, process.hpp, so none can swap it between the check and the
// start.)
//
// A step's log files are written when something may read them: before a
// command that gets CRASHPOINT_STATE (which names them), before a C++
// assertion, and with the final state of a kept folder (write_state()). The
// logs of a passed run's last steps, which nothing reads before its folder is
// recycled, are never written: on ext4 creating a file was the largest part of
// the harness's own time per run (docs/performance.md).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "util/check_budget.hpp"
#include "process/clean_env.hpp"
#include "scenario/placeholders.hpp"
#include "process/process.hpp"
#include "run/run_options.hpp"
#include "run/run_result.hpp"
#include "workdir/workdir.hpp"

namespace crashpoint::harness {

// Thrown when the session stops in the middle of a run.
struct interrupted {};

class run_context {
 public:
  run_context(const run_spec& run, const temp_root& root, const run_options& opts, run_result& result);

  const run_dirs& dirs() const { return dirs_; }
  const temp_root& root() const { return root_; }

  // Runs argv (placeholders expanded) in the workdir with the clean
  // environment plus `extra`, and records it as a step of `phase`. `wrap`,
  // when given, turns the expanded argv into the command line that runs it
  // (under crashpoint-record, say); the step records what really ran.
  using argv_wrapper = std::function<std::vector<std::string>(const std::vector<std::string>&)>;
  command_result run(const std::string& phase, const std::vector<std::string>& argv, const env_map& extra,
                     const argv_wrapper& wrap = {});
  // Records a step that ran in another run folder (a setup template's, which
  // this run's state was copied from), with its output, as if it ran here.
  void record(step_record step, std::string out, std::string err);
  // The captured stdout and stderr of step `i` (0-based) of this run, while
  // its logs are not written yet (a log on disk is dropped from memory).
  std::pair<std::string, std::string> output_of(std::size_t i) const;

  // The arming variable set to `entry`, and its trace variable set to `trace`.
  env_map arming_env(const std::string& entry, const fs::path& trace) const;
  // The variables recovery and assertion commands receive.
  env_map state_env() const;

  // Shell lines that replay the run by hand from a fresh directory.
  std::string reproduction() const;
  // Writes state.json, after the log files it names.
  void write_state() const;
  // The bounds of a check the harness makes itself, starting now: the run's
  // timeout and the session's stop flag (check_budget.hpp).
  check_budget budget() const { return check_budget(timeout_, stop_); }
  std::vector<std::string> run_cpp(const std::string& name) const;
  // Why the workdir is not the folder the harness made any more (a symbolic
  // link, a file, another folder), or "" while it is, or is simply gone (the
  // next command then says "working directory does not exist").
  std::string workdir_problem() const;
  // A trace file in the run's folder, read as trace_file.hpp says.
  trace_summary read_trace(const fs::path& file, const trace_wants& wants = {}) const;

 private:
  void write_logs() const;

  const run_spec& run_;
  const temp_root& root_;  // writes go through it: never through a planted link
  const suite& s_;
  const scenario& sc_;
  const std::atomic<bool>* stop_;
  command_launcher& launcher_;
  run_result& result_;
  run_dirs dirs_;
  dev_t work_dev_ = 0;  // the workdir as the harness made it
  ino_t work_ino_ = 0;
  std::chrono::milliseconds timeout_{};
  placeholder_values values_;
  clean_env clean_;
  env_map user_env_;
  struct step_log {
    fs::path file;
    std::string text;
  };
  mutable std::vector<step_log> logs_;    // two per step, stdout then stderr
  mutable std::size_t logs_written_ = 0;  // logs_[0, logs_written_) are on disk
};

std::string command_text(const std::vector<std::string>& argv);
std::string where_text(const source_location& w);

}  // namespace crashpoint::harness
