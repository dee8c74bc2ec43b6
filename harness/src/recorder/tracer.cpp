// SPDX-License-Identifier: Apache-2.0
// tracer.cpp: the wait loop, process bookkeeping and kills (see tracer.hpp).
#include "recorder/tracer.hpp"

#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

namespace crashpoint::recorder {

namespace {

// The thread group a thread belongs to, from /proc/TID/status; the thread
// itself if it has already gone.
pid_t thread_group_of(pid_t tid) {
  const int fd = ::open(fmt::format("/proc/{}/status", tid).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return tid;
  char buf[2048];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return tid;
  buf[n] = '\0';
  const char* at = std::strstr(buf, "\nTgid:");
  return at == nullptr ? tid : static_cast<pid_t>(std::atol(at + 6));
}

bool is_stopping_signal(int sig) {
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

}  // namespace

tracer::tracer(trace_config config, pid_t first) : cfg_(config), first_(first), decode_(config.root, fds_) {
  threads_[first_].tgid = first_;
  processes_[first_] = {};
  processes_seen_ = threads_seen_ = 1;
}

trace_outcome tracer::run() {
  while (true) {
    int status = 0;
    const pid_t tid = ::waitpid(-1, &status, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) break;
      throw std::system_error(errno, std::generic_category(), "waitpid");
    }
    if (WIFEXITED(status) || WIFSIGNALED(status))
      on_death(tid, status);
    else if (WIFSTOPPED(status))
      on_stop(tid, status);
  }
  cfg_.log.flush();
  cfg_.payloads.flush();

  trace_outcome out;
  out.started = started_;
  out.first_status = first_status_;
  out.leftovers_killed = leftovers_killed_;
  out.counts.calls = seq_;
  for (const call_kind k : all_kinds()) {
    if (const std::uint64_t n = by_kind_[static_cast<std::size_t>(k)])
      out.counts.by_kind[std::string(name(k))] = n;
  }
  for (const syscall_id s : all_syscalls()) {
    if (const std::uint64_t n = by_call_[static_cast<std::size_t>(s)])
      out.counts.by_call[std::string(name(s))] = n;
  }
  out.counts.processes = processes_seen_;
  out.counts.threads = threads_seen_;
  if (point_) {
    point_->all_reaped = true;  // waitpid said no traced process is left
    out.point = point_;
  } else if (cfg_.at) {
    point_report never;
    never.spec = cfg_.at->spec();
    never.action = cfg_.at->action_name();
    if (cfg_.at->what == point::action::fail) never.error = cfg_.at->error;
    out.point = std::move(never);
  }
  return out;
}

tracer::thread_state& tracer::thread(pid_t tid) {
  const auto it = threads_.find(tid);
  if (it != threads_.end()) return it->second;
  // A thread reporting before its parent's clone event did. Until the first
  // exec, tasks are the recorder's own child setting up (a sanitizer's
  // thread in an instrumented build, say): followed, but not counted.
  thread_state& t = threads_[tid];
  t.tgid = thread_group_of(tid);
  if (started_) ++threads_seen_;
  if (processes_.emplace(t.tgid, process_state{}).second && started_) ++processes_seen_;
  return t;
}

void tracer::resume(pid_t tid, int request, int signal) {
  // ESRCH: the tracee was killed meanwhile; its death is reported next.
  ::ptrace(static_cast<__ptrace_request>(request), tid, nullptr,
           reinterpret_cast<void*>(static_cast<long>(signal)));
}

void tracer::on_stop(pid_t tid, int status) {
  thread_state& t = thread(tid);
  if (killing_) {
    // Stopped before the kill reached it, or new since: SIGKILL ends any stop.
    ::kill(t.tgid, SIGKILL);
    ::kill(tid, SIGKILL);
    return;
  }
  const int sig = WSTOPSIG(status);
  const int event = status >> 16;
  switch (event) {
    case PTRACE_EVENT_SECCOMP: return on_seccomp(tid, t);
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE: on_new_task(tid, event); return resume(tid, PTRACE_CONT);
    case PTRACE_EVENT_EXEC: on_exec(tid); return resume(tid, PTRACE_CONT);
    case PTRACE_EVENT_STOP:
      // A group stop stays a stop (until SIGCONT); anything else (a new
      // task's first stop, the end of a group stop) runs on.
      if (is_stopping_signal(sig) && ::ptrace(PTRACE_LISTEN, tid, nullptr, nullptr) == 0) return;
      return resume(tid, t.call || t.watch ? PTRACE_SYSCALL : PTRACE_CONT);
    case 0: break;
    default: return resume(tid, PTRACE_CONT);
  }
  if (sig == (SIGTRAP | 0x80)) return on_syscall_exit(tid, t);
  // A signal for the tracee: deliver it as it is.
  resume(tid, t.call || t.watch ? PTRACE_SYSCALL : PTRACE_CONT, sig);
}

void tracer::on_new_task(pid_t parent, int event) {
  unsigned long msg = 0;
  if (::ptrace(PTRACE_GETEVENTMSG, parent, nullptr, &msg) != 0) return;
  const auto child = static_cast<pid_t>(msg);
  const bool known = threads_.contains(child);
  thread_state& c = thread(child);
  const pid_t parent_group = threads_[parent].tgid;
  process_event ev;
  ev.pid = parent_group;
  ev.child = child;
  if (event == PTRACE_EVENT_FORK)
    ev.what = process_event::type::fork;
  else if (event == PTRACE_EVENT_VFORK)
    ev.what = process_event::type::vfork;
  else
    ev.what = c.tgid == parent_group ? process_event::type::thread : process_event::type::clone;
  if (!known && ev.what != process_event::type::thread) {
    // A new process shares its parent's mappings until it execs.
    processes_[c.tgid].shared_root_maps = processes_[parent_group].shared_root_maps;
  }
  if (started_) cfg_.log.event(ev);
}

void tracer::on_exec(pid_t tid) {
  // A thread other than the leader that execs takes the leader's id; the
  // kernel gives its former id, which will never be reported again.
  unsigned long former = 0;
  if (::ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &former) == 0 && static_cast<pid_t>(former) != tid) {
    const auto old = static_cast<pid_t>(former);
    if (const auto it = threads_.find(old); it != threads_.end()) {
      log_unfinished(it->second);
      threads_.erase(it);
    }
    fds_.thread_gone(old);
    thread_state& leader = thread(tid);
    log_unfinished(leader);  // the old leader died inside whatever it was doing
  }
  fds_.thread_gone(tid);
  thread_state& t = thread(tid);
  t.call.reset();
  t.watch.reset();
  processes_[t.tgid].shared_root_maps = false;
  if (tid == first_) started_ = true;
  const std::string program = read_link(fmt::format("/proc/{}/exe", tid)).value_or("?");
  process_event ev;
  ev.what = process_event::type::exec;
  ev.pid = t.tgid;
  ev.path = program;
  cfg_.log.event(ev);
  check_privileges(tid, program);
}

void tracer::check_privileges(pid_t tid, const std::string& program) {
  struct stat st {};
  const std::string exe = fmt::format("/proc/{}/exe", tid);
  if (::stat(exe.c_str(), &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)) != 0) {
    warn("setuid-exec", threads_[tid].tgid,
         fmt::format("{} is set-user-ID or set-group-ID: under the recorder it runs without those privileges "
                     "(no_new_privs), and may fail where it would not",
                     program));
  }
  if (::getxattr(exe.c_str(), "security.capability", nullptr, 0) > 0) {
    warn("setuid-exec", threads_[tid].tgid,
         fmt::format("{} has file capabilities: under the recorder it runs without them (no_new_privs)",
                     program));
  }
}

void tracer::on_death(pid_t tid, int status) {
  const auto it = threads_.find(tid);
  if (it == threads_.end()) return;
  log_unfinished(it->second);
  const pid_t tgid = it->second.tgid;
  threads_.erase(it);
  fds_.thread_gone(tid);
  if (point_kill_sent_ && tid == point_tid_) {
    point_->kill_delivered = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  }
  if (tid != tgid) return;

  process_event ev;
  ev.what = process_event::type::exit;
  ev.pid = tgid;
  if (WIFEXITED(status))
    ev.exit_code = WEXITSTATUS(status);
  else
    ev.exit_signal = WTERMSIG(status);
  cfg_.log.event(ev);
  processes_.erase(tgid);
  if (tgid == first_) {
    first_ended_ = true;
    first_status_ = status;
    if (!killing_) kill_leftovers();
  }
}

void tracer::kill_everything() {
  cfg_.log.flush();
  cfg_.payloads.flush();
  killing_ = true;
  point_kill_sent_ = true;
  for (const auto& [tgid, p] : processes_) {
    if (::kill(tgid, SIGKILL) == 0 && point_) ++point_->processes_killed;
  }
}

void tracer::kill_leftovers() {
  killing_ = true;
  for (const auto& [tgid, p] : processes_) {
    if (::kill(tgid, SIGKILL) == 0) ++leftovers_killed_;
  }
}

}  // namespace crashpoint::recorder
