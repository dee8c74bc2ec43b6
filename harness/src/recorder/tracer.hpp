// SPDX-License-Identifier: Apache-2.0
// tracer.hpp: the ptrace loop that follows a command and all its
// descendants, decodes their trapped calls, and fires the crash point.
//
//   tracer t({root, point, log, payloads, warnings, undo}, child);   // child: seized, not yet exec'd
//   trace_outcome o = t.run();      // returns once no traced process is left
//
// One thread waits for every tracee (waitpid(-1, __WALL)) and handles each
// stop in the order the kernel reports them, which is the order the log and
// the crash-point counts follow. The stops:
//   - seccomp stop (PTRACE_EVENT_SECCOMP): a trapped call is about to run.
//     A modelled call is decoded, numbered and counted; it then runs to its
//     syscall-exit stop (PTRACE_SYSCALL), where its result is read. A call
//     that turns out not to be modelled (stdout, a pipe, a file outside the
//     root) is resumed at once and costs one stop.
//   - syscall-exit stop (SIGTRAP|0x80): the result of a modelled or watched call.
//   - fork, vfork, clone and exec events: new processes and threads, programs.
//   - group stops (PTRACE_EVENT_STOP with a stopping signal): the tracee is
//     left stopped with PTRACE_LISTEN until a SIGCONT, as it would be untraced.
//   - signal-delivery stops: the signal is delivered unchanged.
// When the first process ends, whatever it left running is killed (as the
// harness kills a command's process group), so run() never waits on a
// leftover daemon.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "recorder/call_decoder.hpp"
#include "recorder/fd_probe.hpp"
#include "recorder/log_writer.hpp"
#include "recorder/path_resolver.hpp"
#include "recorder/payload_store.hpp"
#include "recorder/point.hpp"
#include "recorder/result_file.hpp"
#include "recorder/undo_store.hpp"
#include "recorder/warning_log.hpp"

namespace crashpoint::recorder {

struct trace_config {
  const root_dir& root;
  std::optional<point> at;
  log_writer& log;
  payload_store& payloads;
  warning_log& warnings;
  undo_store& undo;  // keeps pre-images before mutating calls (a disabled store keeps nothing)
};

struct trace_outcome {
  bool started = false;  // the first process reached its first exec
  int first_status = 0;  // its wait status
  std::optional<point_report> point;
  record_counts counts;
  std::uint64_t leftovers_killed = 0;
};

class tracer {
 public:
  tracer(trace_config config, pid_t first);
  trace_outcome run();

 private:
  struct pending_call {
    decoded_call call;
    std::uint64_t captured = 0;  // payload bytes kept at entry
    bool fire_after = false;     // the crash point is "+" at this call
  };
  // A warning-only call waiting for its result: warn if it succeeded.
  struct pending_watch {
    std::string kind, message;
    bool marks_shared_map = false;  // a read-only shared mapping of a root file
  };
  struct thread_state {
    pid_t tgid = 0;
    std::optional<pending_call> call;
    std::optional<pending_watch> watch;
  };
  struct process_state {
    bool shared_root_maps = false;  // has a shared mapping of a file under the root
  };

  // Stops (tracer.cpp).
  void on_stop(pid_t tid, int status);
  void on_death(pid_t tid, int status);
  void on_new_task(pid_t parent, int event);
  void on_exec(pid_t tid);
  void check_privileges(pid_t tid, const std::string& program);
  thread_state& thread(pid_t tid);
  void resume(pid_t tid, int request, int signal = 0);
  void kill_everything();
  void kill_leftovers();

  // Trapped calls (tracer_calls.cpp).
  void on_seccomp(pid_t tid, thread_state& t);
  void on_syscall_exit(pid_t tid, thread_state& t);
  void enter_modelled(pid_t tid, thread_state& t, syscall_id call, const syscall_args& args);
  void finish_call(pid_t tid, thread_state& t, std::int64_t result);
  bool point_selects(const io_op& op) const;
  void fire_point(const io_op& op);
  void inject_error(pid_t tid, int error);
  void log_unfinished(thread_state& t);

  // Warning-only calls (tracer_watch.cpp).
  bool on_watched(pid_t tid, thread_state& t, long nr, const syscall_args& args);
  void warn(std::string kind, pid_t pid, std::string message);
  void watch_mmap(pid_t tid, thread_state& t, const syscall_args& args);
  void watch_mprotect(pid_t tid, thread_state& t, const syscall_args& args);
  void watch_descriptor(pid_t tid, thread_state& t, int fd, const char* kind, const std::string& message);
  void clear_untraced_clone(pid_t tid, long nr, const syscall_args& args);

  trace_config cfg_;
  pid_t first_;
  fd_prober fds_;
  call_decoder decode_;
  std::unordered_map<pid_t, thread_state> threads_;
  std::unordered_map<pid_t, process_state> processes_;

  std::uint64_t seq_ = 0;
  std::array<std::uint64_t, kind_count> by_kind_{};
  std::array<std::uint64_t, syscall_count> by_call_{};
  std::uint64_t processes_seen_ = 0, threads_seen_ = 0;

  bool started_ = false;
  bool first_ended_ = false;
  int first_status_ = 0;
  bool killing_ = false;  // everything left is being killed: resume nothing
  std::uint64_t leftovers_killed_ = 0;

  std::optional<point_report> point_;  // set once the point's call was made
  pid_t point_tid_ = 0;
  bool point_kill_sent_ = false;
};

}  // namespace crashpoint::recorder
