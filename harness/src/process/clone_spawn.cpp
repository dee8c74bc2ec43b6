// SPDX-License-Identifier: Apache-2.0
// clone_spawn.cpp: start_child() and the shepherd (see clone_spawn.hpp).
#include "process/clone_spawn.hpp"

#include <dlfcn.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <memory>

namespace crashpoint::harness {
namespace {

#define CRASHPOINT_CHILD_CODE __attribute__((no_sanitize("address", "thread", "undefined"), noinline))
#define CRASHPOINT_CHILD_INLINE \
  __attribute__((no_sanitize("address", "thread", "undefined"), always_inline)) inline

// A system call that never writes errno. The shepherd runs alongside the
// thread that started it, with that thread's thread pointer, so libc's
// syscall() would write that thread's errno when a call fails.
CRASHPOINT_CHILD_INLINE long raw_syscall(long n, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0) {
#if defined(__x86_64__)
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                   : "rcx", "r11", "memory");
  return ret;
#elif defined(__aarch64__)
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
  return x0;
#else
  // libc's: it writes errno on failure, and the calls made with it once the
  // command runs (waitid, kill of a group holding at least the command's
  // zombie, wait4, exit_group) do not fail.
  return ::syscall(n, a, b, c, d, e);
#endif
}

template <typename T>
CRASHPOINT_CHILD_INLINE long arg(T* p) {
  return static_cast<long>(reinterpret_cast<std::uintptr_t>(p));
}

// The command's pre-exec child: the plan, the shepherd it must be the child
// of, and where it reports the step that failed.
struct child_args {
  const child_plan* plan;
  pid_t parent;        // the shepherd
  volatile int error;  // written by the child, read once it has gone
};

using clone_function = int (*)(int (*)(void*), void*, int, void*, ...);

// The shepherd's side, shared with the harness thread that started it.
struct shepherd_args {
  const child_plan* plan;
  clone_function clone;  // libc_clone(): the shepherd calls no instrumented code
  char* child_stack;     // the top of the command's child's stack
  volatile int error;    // the command could not be started: why
  volatile int started;  // 1 once the command has called execve
  // A futex: 1 while the command is being started; 2 once `started` or
  // `error` is set; 0 once the shepherd has exited (the kernel's
  // CLONE_CHILD_CLEARTID), which may come before start_child looks.
  int phase;
  command_end end;
};

// The kernel's struct sigaction, for rt_sigaction (not glibc's).
struct kernel_sigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  std::uint64_t mask;
};

// Records errno for the shepherd and ends the command's child; exit_group
// ends only the child, which is a process of its own (no CLONE_THREAD).
[[noreturn]] CRASHPOINT_CHILD_CODE void child_fail(child_args& a, long err) {
  a.error = err != 0 ? static_cast<int>(err) : EINVAL;
  for (;;) ::syscall(SYS_exit_group, 127);
}

// Runs in the command's child, in the harness's memory while the shepherd
// waits for it to execve: system calls only, through syscall() (the
// sanitizers intercept several libc wrappers, and their interceptors would
// update state the harness shares), and nothing that allocates or locks.
CRASHPOINT_CHILD_CODE int child_main(void* arg) {
  child_args& a = *static_cast<child_args*>(arg);
  const child_plan& p = *a.plan;
  if (::syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) child_fail(a, errno);
  if (::syscall(SYS_getppid) != a.parent) child_fail(a, ESRCH);  // the shepherd died meanwhile
  for (int fd = 0; fd < 3; ++fd) {
    if (p.stdio[fd] != fd && ::syscall(SYS_dup2, p.stdio[fd], fd) < 0) child_fail(a, errno);
  }
  if (::syscall(SYS_setpgid, 0, 0) != 0) child_fail(a, errno);
  if (p.cwd != nullptr && ::syscall(SYS_chdir, p.cwd) != 0) child_fail(a, errno);
  ::syscall(SYS_close_range, 3U, ~0U, 0U);
  // An aborting target must not drop a core file into the state under test.
  const struct rlimit no_core { 0, 0 };
  ::syscall(SYS_prlimit64, 0, RLIMIT_CORE, &no_core, nullptr);
  // Default dispositions, then nothing blocked: ignored signals and the mask
  // would otherwise survive execve (SIGKILL and SIGSTOP just refuse).
  const kernel_sigaction default_action{SIG_DFL, 0, nullptr, 0};
  for (int sig = 1; sig < NSIG; ++sig) ::syscall(SYS_rt_sigaction, sig, &default_action, nullptr, 8);
  const std::uint64_t none = 0;
  ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, 8);
  ::syscall(SYS_execve, p.exe, p.argv, p.envp);
  child_fail(a, errno);
}

// One stack per thread and role, reused: each is in use only from a clone
// until its process is reaped, and a thread reaps its shepherd before it
// starts the next. Left uninitialised: only the pages touched are faulted in.
char* stack_top(std::unique_ptr<char[]>& stack) {
  static constexpr std::size_t size = 64 * 1024;
  if (!stack) stack.reset(new char[size]);
  return stack.get() + size;  // new[]'s alignment (16) suits the ABI
}

// glibc's clone(). ThreadSanitizer intercepts clone() as a fork: it updates
// its bookkeeping from the child, which with CLONE_VM is the parent's, and the
// parent then dies at its next thread ("multi-threaded fork"). So a TSan
// build calls glibc's own, which the children's uninstrumented code makes safe.
clone_function libc_clone() {
#if defined(__SANITIZE_THREAD__)
  static const clone_function f = [] {
    void* libc = ::dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
    void* sym = libc != nullptr ? ::dlsym(libc, "clone") : nullptr;
    return sym != nullptr ? reinterpret_cast<clone_function>(sym) : &::clone;
  }();
  return f;
#else
  return &::clone;
#endif
}

// This thread's stacks and shepherd record.
struct thread_area {
  std::unique_ptr<char[]> shepherd_stack, child_stack;
  shepherd_args args{};
  static thread_area& get() {
    thread_local thread_area area;
    return area;
  }
};

// Starts the command's child, which execs; the command's pid, or -errno.
CRASHPOINT_CHILD_CODE long start_command(shepherd_args& a) {
  child_args c{a.plan, static_cast<pid_t>(::syscall(SYS_getpid)), 0};
  const long pid = a.clone(child_main, a.child_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
  if (pid < 0) return -(errno != 0 ? errno : EAGAIN);
  if (c.error == 0) return pid;
  int ignored = 0;
  raw_syscall(SYS_wait4, pid, arg(&ignored), __WALL, 0);  // the child has exited: reap it
  return -c.error;
}

// Tells start_child the command has started: phase 2, and a wake.
CRASHPOINT_CHILD_INLINE void report_started(shepherd_args& a) {
  a.started = 1;
  __atomic_store_n(&a.phase, 2, __ATOMIC_RELEASE);
  raw_syscall(SYS_futex, arg(&a.phase), FUTEX_WAKE, 1);
}

[[noreturn]] CRASHPOINT_CHILD_CODE void shepherd_exit(int code) {
  for (;;) raw_syscall(SYS_exit_group, code);
}

// The shepherd (see clone_spawn.hpp). Every signal is blocked: it inherits
// the mask start_child set around clone(), and keeps it.
CRASHPOINT_CHILD_CODE int shepherd_main(void* arg_) {
  shepherd_args& a = *static_cast<shepherd_args*>(arg_);
  long err = 0;
  if (::syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) err = errno;
  if (err == 0 && ::syscall(SYS_getppid) != a.plan->parent) err = ESRCH;  // the harness died meanwhile
  if (err == 0 && ::syscall(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) err = errno;
  if (err == 0 && ::syscall(SYS_setpgid, 0, 0) != 0) err = errno;
  // A core dump of the shepherd would hold the harness's memory.
  const struct rlimit no_core { 0, 0 };
  ::syscall(SYS_prlimit64, 0, RLIMIT_CORE, &no_core, nullptr);
  const long command = err == 0 ? start_command(a) : -err;
  if (command < 0) {
    a.error = static_cast<int>(-command);
    shepherd_exit(127);  // the kernel sets phase to 0 and wakes start_child
  }
  report_started(a);
  // From here on the harness thread runs too: raw system calls only.
  siginfo_t info;
  raw_syscall(SYS_waitid, P_PID, command, arg(&info), WEXITED | WNOWAIT | __WALL, 0);
  raw_syscall(SYS_kill, -command, SIGKILL);  // the group, while the command is a zombie
  int status = 0;
  if (raw_syscall(SYS_wait4, command, arg(&status), __WALL, 0) == command) {
    a.end.wait_status = status;
    a.end.reaped = 1;
  }
  shepherd_exit(0);
}

}  // namespace

started_child start_child(const child_plan& plan) {
  thread_area& area = thread_area::get();
  shepherd_args& a = area.args;
  a.plan = &plan;
  a.clone = libc_clone();
  a.child_stack = stack_top(area.child_stack);
  a.error = 0;
  a.started = 0;
  a.phase = 1;
  a.end.reaped = 0;
  a.end.wait_status = 0;
  started_child c;
  sigset_t all, saved;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &saved);
  // CLONE_FILES and CLONE_FS: the shepherd opens, closes and changes nothing
  // of the descriptor table or the cwd, so it shares them rather than copy
  // them (the command's child gets copies, which it changes).
  c.pid = a.clone(shepherd_main, stack_top(area.shepherd_stack),
                  CLONE_VM | CLONE_FILES | CLONE_FS | CLONE_PIDFD | CLONE_CHILD_CLEARTID | SIGCHLD, &a,
                  &c.pidfd, nullptr, &a.phase);
  const int clone_error = errno;
  if (c.pid >= 0) {
    // Signals stay blocked: a handler here could run while the shepherd uses errno.
    while (__atomic_load_n(&a.phase, __ATOMIC_ACQUIRE) == 1) {
      ::syscall(SYS_futex, &a.phase, FUTEX_WAIT, 1, nullptr);
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  if (c.pid < 0) return {-1, -1, clone_error, nullptr};
  if (a.started != 0) {
    c.end = &a.end;
    return c;
  }
  // The shepherd has exited without starting the command: reap it here, as
  // no one else knows of it.
  const int error = a.error != 0 ? a.error : ECHILD;
  while (::waitpid(c.pid, nullptr, __WALL) < 0 && errno == EINTR) {
  }
  ::close(c.pidfd);
  return {-1, -1, error, nullptr};
}

}  // namespace crashpoint::harness
