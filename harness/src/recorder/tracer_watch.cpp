// SPDX-License-Identifier: Apache-2.0
// tracer_watch.cpp: calls trapped only to warn about what the recorder cannot
// see, or to keep a new process traced (see tracer.hpp, seccomp_filter.hpp).
#include <sched.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>

#include <fmt/format.h>

#include "recorder/proc_maps.hpp"
#include "recorder/tracee_memory.hpp"
#include "recorder/tracer.hpp"

namespace crashpoint::recorder {

void tracer::warn(std::string kind, pid_t pid, std::string message) {
  cfg_.warnings.add(std::move(kind), pid, std::move(message));
}

bool tracer::on_watched(pid_t tid, thread_state& t, long nr, const syscall_args& a) {
  switch (nr) {
    case SYS_io_uring_setup:
      warn("io_uring", t.tgid,
           "io_uring_setup: reads and writes submitted through io_uring are not seen by the recorder");
      break;
    case SYS_io_setup:
      warn("aio", t.tgid,
           "io_setup: writes submitted with Linux native AIO (io_submit) are not seen by the recorder");
      break;
    case SYS_ptrace:
      warn("ptrace", t.tgid,
           "ptrace: the program traces processes itself, which fails (EPERM) for its own children since the "
           "recorder "
           "already traces them: debuggers and strace do not work under the recorder");
      break;
    case SYS_seccomp:
    case SYS_prctl:
      // Filters stack, and the most restrictive action wins: a call this
      // one turns into an error, a kill or a user notification never stops
      // for the recorder.
      warn("own-seccomp", t.tgid,
           "the program installs a seccomp filter of its own: calls it answers with an error, a kill or a "
           "notification to a supervisor never reach the recorder");
      break;
    case SYS_mmap: watch_mmap(tid, t, a); return true;
    case SYS_mprotect:
    case SYS_pkey_mprotect: watch_mprotect(tid, t, a); return true;
    case SYS_fcntl:
      watch_descriptor(
          tid, t, static_cast<int>(a[0]), "direct-io",
          "fcntl(F_SETFL, O_DIRECT) on \"{}\": direct I/O bypasses the page cache, so the power-loss "
          "model (which drops unsynced cached data) does not describe its writes");
      return true;
    case SYS_ioctl:
      watch_descriptor(
          tid, t, static_cast<int>(a[0]), "reflink",
          "ioctl(FICLONE, FICLONERANGE or FIDEDUPERANGE) into \"{}\": data shared this way is not "
          "recorded as a write");
      return true;
    case SYS_clone:
    case SYS_clone3: clear_untraced_clone(tid, nr, a); break;
    default: return false;
  }
  resume(tid, PTRACE_CONT);
  return true;
}

void tracer::watch_descriptor(pid_t tid, thread_state& t, int fd, const char* kind,
                              const std::string& message) {
  const auto f = fds_.facts(tid, t.tgid, fd, false);
  const auto rel = f && f->regular() ? cfg_.root.relative(f->path) : std::nullopt;
  if (!rel) return resume(tid, PTRACE_CONT);
  t.watch = pending_watch{kind, fmt::format(fmt::runtime(message), *rel)};
  resume(tid, PTRACE_SYSCALL);
}

void tracer::watch_mmap(pid_t tid, thread_state& t, const syscall_args& a) {
  const auto f = fds_.facts(tid, t.tgid, static_cast<int>(a[4]), false);
  const auto rel = f && f->regular() ? cfg_.root.relative(f->path) : std::nullopt;
  if (!rel) return resume(tid, PTRACE_CONT);
  if ((a[2] & PROT_WRITE) != 0) {
    t.watch =
        pending_watch{"shared-mmap",
                      fmt::format("mmap(\"{}\", PROT_WRITE, MAP_SHARED): writes through a shared mapping are "
                                  "not seen by the recorder",
                                  *rel)};
  } else {
    // Read-only for now; mprotect could make it writable later.
    t.watch = pending_watch{"", "", true};
  }
  resume(tid, PTRACE_SYSCALL);
}

void tracer::watch_mprotect(pid_t tid, thread_state& t, const syscall_args& a) {
  if (!processes_[t.tgid].shared_root_maps) return resume(tid, PTRACE_CONT);
  for (const mapping& m : read_maps(tid)) {
    if (!m.shared || m.path.empty() || !m.overlaps(a[0], a[1])) continue;
    if (const auto rel = cfg_.root.relative(m.path)) {
      t.watch = pending_watch{
          "shared-mmap",
          fmt::format("mprotect(PROT_WRITE) on a shared mapping of \"{}\": writes through it are "
                      "not seen by the recorder",
                      *rel)};
      return resume(tid, PTRACE_SYSCALL);
    }
  }
  resume(tid, PTRACE_CONT);
}

void tracer::clear_untraced_clone(pid_t tid, long nr, const syscall_args& a) {
  // CLONE_UNTRACED would start a process the recorder does not follow; with
  // the filter inherited and no tracer, its modelled calls would fail with
  // ENOSYS. Clearing the flag keeps it traced.
  const auto pid = threads_[tid].tgid;
  if (nr == SYS_clone) {
    if ((a[0] & CLONE_UNTRACED) == 0) return;
    user_regs_struct regs{};
    if (::ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return;
    regs.rdi &= ~static_cast<unsigned long long>(CLONE_UNTRACED);
    ::ptrace(PTRACE_SETREGS, tid, nullptr, &regs);
  } else {
    std::uint64_t flags = 0;  // struct clone_args starts with its flags
    if (a[1] < sizeof flags || read_memory(tid, a[0], &flags, sizeof flags) != sizeof flags) return;
    if ((flags & CLONE_UNTRACED) == 0) return;
    if (!write_word(tid, a[0], flags & ~static_cast<std::uint64_t>(CLONE_UNTRACED))) return;
  }
  warn("untraced-clone", pid,
       "clone with CLONE_UNTRACED: the recorder cleared the flag so that the new process is traced too");
}

}  // namespace crashpoint::recorder
