// SPDX-License-Identifier: Apache-2.0
// tracer_calls.cpp: modelled calls at their entry and exit, the crash point,
// and error injection (see tracer.hpp).
#include <linux/audit.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/user.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "recorder/launcher.hpp"
#include "recorder/seccomp_filter.hpp"
#include "recorder/tracer.hpp"

namespace crashpoint::recorder {

void tracer::on_seccomp(pid_t tid, thread_state& t) {
  __ptrace_syscall_info info{};
  if (::ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) <= 0) {
    // ESRCH: killed meanwhile. Anything else: a kernel without the request
    // (before 5.3), on which every call would pass unseen: refuse to go on.
    if (errno != ESRCH)
      throw record_failure("PTRACE_GET_SYSCALL_INFO failed: the recorder needs Linux 5.3 or later");
    return resume(tid, PTRACE_CONT);
  }
  if (info.op != PTRACE_SYSCALL_INFO_SECCOMP) return resume(tid, PTRACE_CONT);
  syscall_args args{};
  std::copy(std::begin(info.seccomp.args), std::end(info.seccomp.args), args.begin());
  const auto nr = static_cast<long>(info.seccomp.nr);
  if (info.arch != AUDIT_ARCH_X86_64) {
    warn("foreign-arch", t.tgid,
         "32-bit system calls (int 0x80, or a 32-bit program) are not recorded: files changed through them "
         "are not in "
         "the log");
    return resume(tid, PTRACE_CONT);
  }
  if ((static_cast<std::uint64_t>(nr) & x32_syscall_bit) != 0) {
    warn("x32", t.tgid,
         "x32-ABI system calls are not recorded: files changed through them are not in the log");
    return resume(tid, PTRACE_CONT);
  }
  if (const auto call = syscall_from_x86_64(nr)) return enter_modelled(tid, t, *call, args);
  if (on_watched(tid, t, nr, args)) return;
  // Only another filter (the program's own) traps other calls. Untraced, they
  // would fail with ENOSYS; under the recorder they run.
  warn("foreign-trap", t.tgid,
       fmt::format(
           "system call {} stopped for a tracer: the program installed a seccomp filter of its own that "
           "returns SECCOMP_RET_TRACE; under the recorder such calls run instead of failing with ENOSYS",
           nr));
  resume(tid, PTRACE_CONT);
}

bool tracer::point_selects(const io_op& op) const {
  if (!cfg_.at || point_ || !cfg_.at->selects(op.call, op.kind)) return false;
  const point& p = *cfg_.at;
  const std::uint64_t count = p.kind      ? by_kind_[static_cast<std::size_t>(op.kind)]
                              : p.syscall ? by_call_[static_cast<std::size_t>(op.call)]
                                          : seq_;
  return count == p.hit;
}

void tracer::fire_point(const io_op& op) {
  point_report fired;
  fired.spec = cfg_.at->spec();
  fired.action = cfg_.at->action_name();
  fired.reached = true;
  fired.call = op;
  if (cfg_.at->what == point::action::fail) fired.error = cfg_.at->error;
  point_ = std::move(fired);
  cfg_.log.point(point_event{point_->spec, op.seq, point_->action});
}

void tracer::enter_modelled(pid_t tid, thread_state& t, syscall_id call, const syscall_args& args) {
  std::optional<decoded_call> decoded = decode_(tid, t.tgid, call, args);
  if (!decoded) return resume(tid, PTRACE_CONT);
  io_op& op = decoded->op;
  op.seq = op.end_seq = ++seq_;
  ++by_kind_[static_cast<std::size_t>(op.kind)];
  ++by_call_[static_cast<std::size_t>(op.call)];

  bool fire_after = false;
  if (point_selects(op)) {
    point_tid_ = tid;
    const point& p = *cfg_.at;
    if (p.what == point::action::fail) {
      inject_error(tid, p.error);
      op.result = -p.error;
      op.how = outcome::injected;
      cfg_.log.call(op);
      fire_point(op);
      return resume(tid, PTRACE_CONT);
    }
    if (p.when == point::timing::before) {
      op.how = outcome::not_executed;
      cfg_.log.call(op);
      fire_point(op);
      // Not resumed: SIGKILL ends this stop, and the kernel skips a call
      // whose thread has a fatal signal pending, so it never runs.
      return kill_everything();
    }
    fire_after = true;
    fire_point(op);
  }

  // The call will run: keep what it is about to change, while nothing has yet.
  cfg_.undo.before(tid, op);
  pending_call pending{std::move(*decoded), 0, fire_after};
  if (!pending.call.payload.empty() && cfg_.payloads.enabled()) {
    const payload_span s =
        cfg_.payloads.from_memory(tid, pending.call.payload, pending.call.op.length.value_or(0));
    pending.call.op.payload = s.offset;
    pending.captured = s.length;
  }
  t.call = std::move(pending);
  resume(tid, PTRACE_SYSCALL);
}

void tracer::on_syscall_exit(pid_t tid, thread_state& t) {
  __ptrace_syscall_info info{};
  if (::ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) <= 0 ||
      info.op != PTRACE_SYSCALL_INFO_EXIT) {
    return resume(tid, t.call || t.watch ? PTRACE_SYSCALL : PTRACE_CONT);
  }
  if (t.call) return finish_call(tid, t, info.exit.rval);
  if (t.watch) {
    if (info.exit.is_error == 0) {
      if (t.watch->marks_shared_map) processes_[t.tgid].shared_root_maps = true;
      if (!t.watch->kind.empty()) warn(t.watch->kind, t.tgid, t.watch->message);
    }
    t.watch.reset();
  }
  resume(tid, PTRACE_CONT);
}

void tracer::finish_call(pid_t tid, thread_state& t, std::int64_t result) {
  pending_call pending = std::move(*t.call);
  t.call.reset();
  io_op& op = pending.call.op;
  const exit_plan& plan = pending.call.at_exit;
  op.result = result;
  op.end_seq = seq_;
  if (result >= 0) {
    if (plan.identity_from_result_fd) {
      if (const auto f = fds_.facts(tid, t.tgid, static_cast<int>(result), false)) {
        op.dev = f->dev;
        op.ino = f->ino;
      }
    }
    if (!plan.identity_from_path.empty()) {
      struct stat st {};
      if (::lstat(plan.identity_from_path.c_str(), &st) == 0) {
        op.dev = st.st_dev;
        op.ino = st.st_ino;
      }
    }
    if (plan.warns_direct_io) {
      warn("direct-io", t.tgid,
           fmt::format("O_DIRECT open of \"{}\": direct I/O bypasses the page cache, so the power-loss model "
                       "(which drops unsynced cached data) does not describe its writes",
                       op.path));
    }
    if (plan.payload_from_file && result > 0 && op.offset) {
      const payload_span s =
          cfg_.payloads.from_file(tid, op.fd, *op.offset, static_cast<std::uint64_t>(result));
      if (cfg_.payloads.enabled()) {
        op.payload = s.offset;
        op.payload_length = s.length;
      }
    }
  }
  if (op.payload && !plan.payload_from_file) {
    op.payload_length = std::min<std::uint64_t>(
        pending.captured, static_cast<std::uint64_t>(std::max<std::int64_t>(result, 0)));
  }
  cfg_.log.call(op);
  if (pending.fire_after) {
    point_->call = op;
    return kill_everything();
  }
  resume(tid, PTRACE_CONT);
}

void tracer::inject_error(pid_t tid, int error) {
  // Skipping a call from its seccomp stop: -1 as the call number, and the
  // return value already in rax (the kernel leaves rax alone for nr -1).
  user_regs_struct regs{};
  if (::ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return;
  regs.orig_rax = static_cast<unsigned long long>(-1LL);
  regs.rax = static_cast<unsigned long long>(-static_cast<long long>(error));
  ::ptrace(PTRACE_SETREGS, tid, nullptr, &regs);
}

void tracer::log_unfinished(thread_state& t) {
  if (t.call) {
    io_op& op = t.call->call.op;
    op.how = outcome::unfinished;
    op.end_seq = seq_;
    op.payload_length = op.payload ? std::optional<std::uint64_t>(t.call->captured) : std::nullopt;
    cfg_.log.call(op);
    t.call.reset();
  }
  t.watch.reset();
}

}  // namespace crashpoint::recorder
