// clone_spawn.cpp: start_child() (see clone_spawn.hpp).
#include "clone_spawn.hpp"

#include <dlfcn.h>
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

// The child's side: the plan plus where it reports the step that failed.
struct child_args {
  const child_plan* plan;
  volatile int error;  // written by the child, read once it has gone
};

// The kernel's struct sigaction, for rt_sigaction (not glibc's).
struct kernel_sigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  std::uint64_t mask;
};

#define CRASHPOINT_CHILD_CODE \
  __attribute__((no_sanitize("address", "thread", "undefined"), noinline))

// Records errno for the parent and ends the child; exit_group ends only the
// child, which is a process of its own (no CLONE_THREAD).
CRASHPOINT_CHILD_CODE [[noreturn]] void child_fail(child_args& a, long err) {
  a.error = err != 0 ? static_cast<int>(err) : EINVAL;
  for (;;) ::syscall(SYS_exit_group, 127);
}

// Runs in the child, in the parent's memory: system calls only, through
// syscall() (the sanitizers intercept several libc wrappers, and their
// interceptors would update state the parent shares), and nothing that
// allocates or locks.
CRASHPOINT_CHILD_CODE int child_main(void* arg) {
  child_args& a = *static_cast<child_args*>(arg);
  const child_plan& p = *a.plan;
  if (::syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) child_fail(a, errno);
  if (::syscall(SYS_getppid) != p.parent) child_fail(a, ESRCH);  // the harness died meanwhile
  for (int fd = 0; fd < 3; ++fd) {
    if (p.stdio[fd] != fd && ::syscall(SYS_dup2, p.stdio[fd], fd) < 0) child_fail(a, errno);
  }
  if (::syscall(SYS_setpgid, 0, 0) != 0) child_fail(a, errno);
  if (p.cwd != nullptr && ::syscall(SYS_chdir, p.cwd) != 0) child_fail(a, errno);
  ::syscall(SYS_close_range, 3U, ~0U, 0U);
  // An aborting target must not drop a core file into the state under test.
  const struct rlimit no_core {0, 0};
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

// One stack per thread, reused: the child runs on it only while its parent
// thread is suspended in clone(). Left uninitialised: only the pages the
// child touches are ever faulted in.
char* child_stack_top() {
  static constexpr std::size_t size = 64 * 1024;
  thread_local const std::unique_ptr<char[]> stack(new char[size]);
  return stack.get() + size;  // new[]'s alignment (16) suits the ABI
}

// glibc's clone(). ThreadSanitizer intercepts clone() as a fork: it updates
// its bookkeeping from the child, which with CLONE_VM is the parent's, and the
// parent then dies at its next thread ("multi-threaded fork"). So a TSan
// build calls glibc's own, which the child's uninstrumented code makes safe.
using clone_function = int (*)(int (*)(void*), void*, int, void*, ...);
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

}  // namespace

started_child start_child(const child_plan& plan) {
  child_args args{&plan, 0};
  started_child c;
  sigset_t all, saved;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &saved);
  c.pid = libc_clone()(child_main, child_stack_top(), CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD,
                  &args, &c.pidfd);
  const int clone_error = errno;
  ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  if (c.pid < 0) return {-1, -1, clone_error};
  if (args.error == 0) return c;
  // The child has exited: reap it here, as no one else knows of it.
  while (::waitpid(c.pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  ::close(c.pidfd);
  return {-1, -1, args.error};
}

}  // namespace crashpoint::harness
