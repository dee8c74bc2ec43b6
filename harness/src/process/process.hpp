// SPDX-License-Identifier: Apache-2.0
// process.hpp: runs one child program to completion, the harness's only way to
// start processes.
//
//   command cmd;
//   cmd.argv = {"/usr/bin/env"};
//   cmd.env = {{"A", "1"}};                     // the child's whole environment
//   cmd.timeout = std::chrono::seconds(10);
//   command_result r = run_command(cmd);        // blocks; safe from many threads
//   if (r.status.k != exit_status::kind::exited) fmt::print("{}\n", r.status.describe());
//
// Nothing a child does can keep run_command from returning, or outlive it:
//   - Each child runs in its own process group, under a shepherd of its own
//     (clone_spawn.hpp). Whatever ends the child (exit, signal, timeout), the
//     whole group is SIGKILLed, so grandchildren never outlive a run or hold
//     its pipes open.
//   - A process that left the group (setsid, a double-forked daemon) cannot
//     delay run_command: once the child has ended, only what is already in the
//     pipes is read. And it does not survive the command: the shepherd is a
//     child subreaper, so such processes are re-parented to it while the
//     command runs, and to this process (made a subreaper by the first
//     run_command) when the shepherd exits after the command; run_command then
//     SIGKILLs and reaps them before it returns, whatever other commands are
//     running (orphan_reaper.hpp).
//   - If the harness itself dies, each running shepherd gets SIGKILL
//     (PR_SET_PDEATHSIG), and so does its command; their groups and orphans
//     then go to init.
//
// Output is captured in memory up to `capture_limit` bytes per stream: the
// first and last halves, with a marker line in place of the middle
// (capture_buffer.hpp). A child that writes gigabytes costs time, not memory.
//
// run_command must be this process's only way of starting children that may
// leave orphans: after each command it kills the orphans it finds among this
// process's children, except those in this process's own process group.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "process/capture_buffer.hpp"
#include "util/signal_names.hpp"

namespace crashpoint::harness {

struct command {
  // argv[0]: a path (made absolute against `cwd` if relative) or a bare name
  // looked up in env["PATH"]. It stays the child's argv[0] as written.
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;    // the child's complete environment
  std::filesystem::path cwd;                 // empty: the harness's own
  std::chrono::milliseconds timeout{30000};  // zero: no limit
  std::size_t capture_limit = 1 << 20;       // bytes kept per stream
};

struct exit_status {
  enum class kind { exited, signaled, timed_out, not_started };
  kind k = kind::not_started;
  int code = -1;                        // exited: the exit code
  int signal = 0;                       // signaled, timed_out: the signal that ended the child
  std::string error;                    // not_started: why
  std::chrono::milliseconds timeout{};  // timed_out: the limit it hit
  std::string describe() const;  // "exit 3", "signal SIGABRT", "timed out after 10s", "could not start: ..."
};

struct command_result {
  exit_status status;
  std::chrono::nanoseconds duration{};
  captured out, err;
};

// Starts cmd, waits for it and its output, and reaps it. Never throws for
// anything the child or the command does; failures to start are a status.
// Needs SIGCHLD not ignored (SIG_IGN would reap children behind its back).
command_result run_command(const command& cmd);

// SIGKILLs every command run_command has started or is starting (through its
// shepherd, with which it dies), from any thread (not from a signal handler):
// a command still being started is killed as soon as its shepherd exists.
void kill_all_running();

// kill_all_running(), and from now on every run_command ends at once as
// not_started ("the harness is stopping") instead of starting its child, for
// the rest of the process's life. For an interrupted harness: a worker that
// was about to start a command when the signal came cannot start it after.
void stop_all_commands();

// Kills and reaps the orphans that no running command can own, as run_command
// does after each command: call it once when the last command has ended.
// Returns how many were killed.
std::size_t reap_orphans();

}  // namespace crashpoint::harness
