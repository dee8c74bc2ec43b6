// SPDX-License-Identifier: Apache-2.0
// clone_spawn.hpp: starting a command under a shepherd of its own, with
// clone(CLONE_VM), the way posix_spawn starts a child, and the steps
// run_command needs that posix_spawn cannot take (PR_SET_PDEATHSIG,
// close_range, no core file, a per-command child subreaper).
//
//   child_plan plan{exe, argv, envp, cwd, {in_fd, out_fd, err_fd}, ::getpid()};
//   started_child c = start_child(plan);
//   if (c.error != 0) ...                        // nothing is left running
//   bp::basic_process<executor> p(exec, c.pid, c.pidfd);   // Boost.Process owns the shepherd
//   ... once the shepherd is reaped:
//   if (c.end->reaped) status = c.end->wait_status;          // the command's own end
//
// The shepherd. The harness's child is not the command but a shepherd, which
// makes itself a child subreaper, starts the command as its own child, waits
// for it to end, SIGKILLs the command's process group while the command is an
// unreaped zombie (so the group id cannot have been reused), reaps it, records
// how it ended, and exits. Whatever the command left that escaped the group
// (a setsid() daemon, a double fork) was re-parented to the shepherd, not to
// the harness, while the command ran; when the shepherd exits it all goes to
// the harness (itself a subreaper), which kills it at once: at any -j, each
// command's leftovers are attributed to it and killed before run_command
// returns, without touching another command's (orphan_reaper.hpp). The
// shepherd is killed with SIGKILL to end a command early (timeout,
// interruption): the command then dies of PR_SET_PDEATHSIG and its leftovers
// go to the harness the same way.
//
// Why clone(CLONE_VM) and not fork(): fork copies the harness's page tables
// for every command only for the child to drop them at execve; with a few
// threads and a heap that grows with the session, that was a quarter of the
// harness's CPU per command (docs/performance.md). Why not Boost's
// vfork_launcher: in the child it calls io_context::notify_fork(fork_child),
// which, with shared memory, closes and rebuilds the *parent's* reactor; and
// it runs the initializers' C++ code in the child, which under ASan or TSan
// would update the sanitizers' shared state from a process they do not know.
//
// So the shepherd and the command's pre-exec child each run one function of
// raw system calls, uninstrumented, on stacks of their own, in the harness's
// memory (the shepherd also shares its descriptor table and cwd, which it
// leaves alone). The shepherd runs alongside the harness (no CLONE_VFORK): once the
// command has started it touches nothing but its stack and the small record
// it reports in, and its system calls bypass libc, whose wrappers would write
// errno into the thread that started it (they share its thread pointer). The
// command's child is started by the shepherd with CLONE_VFORK and reports a
// failed step as an errno. start_child returns once the command has called
// execve (or failed); until then the calling thread has every signal blocked
// and waits on a futex the shepherd wakes (the kernel wakes it too, through
// CLONE_CHILD_CLEARTID, should the shepherd die first). The shepherd blocks
// every signal; the command gets default dispositions and an empty mask just
// before execve. CLONE_PIDFD returns a pidfd for the shepherd atomically with
// its creation.
#pragma once

#include <sys/types.h>

namespace crashpoint::harness {

// What the command's child does between clone() and execve, all decided by the parent.
struct child_plan {
  const char* exe;          // absolute, or relative to the child's cwd
  const char* const* argv;  // null-terminated; argv[0] as the program sees it
  const char* const* envp;  // null-terminated: the complete environment
  const char* cwd;          // nullptr: the parent's
  int stdio[3];             // dup2'd onto 0, 1 and 2
  pid_t parent;             // ::getpid() of the harness: the shepherd checks it is alive
};

// How the command ended, as its shepherd saw it. Written by the shepherd;
// read once the shepherd has been reaped.
struct command_end {
  volatile int reaped = 0;       // 1: the shepherd reaped the command (else it was killed first)
  volatile int wait_status = 0;  // the command's status, as waitpid gives it
};

struct started_child {
  pid_t pid = -1;  // the shepherd
  int pidfd = -1;  // the shepherd's; owned by the caller
  int error = 0;   // an errno: the command could not be started (and nothing is left running)
  const command_end* end = nullptr;  // valid until this thread's next start_child
};

// Starts the plan's program under a shepherd (see above): the shepherd in a
// process group of its own, with SIGKILL when the calling thread dies
// (PR_SET_PDEATHSIG); the command in a new process group of its own, with
// SIGKILL when the shepherd dies, every descriptor above 2 closed, default
// signal dispositions, an empty signal mask and a core-file limit of 0. Safe
// to call from many threads at once; a thread must reap one shepherd before
// it starts the next.
started_child start_child(const child_plan& plan);

}  // namespace crashpoint::harness
