// clone_spawn.hpp: starting a child with clone(CLONE_VM | CLONE_VFORK), the
// way posix_spawn does, with the steps run_command needs that posix_spawn
// cannot take (PR_SET_PDEATHSIG, close_range, no core file).
//
//   child_plan plan{exe, argv, envp, cwd, {in_fd, out_fd, err_fd}, ::getpid()};
//   started_child c = start_child(plan);
//   if (c.error != 0) ...                        // the child has been reaped
//   bp::basic_process<executor> p(exec, c.pid, c.pidfd);   // Boost.Process owns it
//
// Why not fork(): Boost.Process's default launcher forks, which copies the
// harness's page tables for every command only for the child to drop them at
// execve; with a few threads and a heap that grows with the session, that was
// a quarter of the harness's CPU per command (docs/performance.md).
// Why not Boost's vfork_launcher: in the child it calls
// io_context::notify_fork(fork_child), which, with shared memory, closes and
// rebuilds the *parent's* reactor; and it runs the initializers' C++ code in
// the child, which under ASan or TSan would update the sanitizers' shared
// state from a process they do not know.
//
// So the child runs one function of raw system calls, uninstrumented, on a
// stack of its own, while the calling thread is suspended until the child
// calls execve or exits: it reports a failed step as an errno through shared
// memory. All signals are blocked around clone() so that no handler of the
// harness runs in the child; the child resets every disposition to the
// default and unblocks everything just before execve. CLONE_PIDFD returns a
// pidfd for the child atomically with its creation.
#pragma once

#include <sys/types.h>

namespace crashpoint::harness {

// What the child does between clone() and execve, all decided by the parent.
struct child_plan {
  const char* exe;                // absolute, or relative to the child's cwd
  const char* const* argv;        // null-terminated; argv[0] as the program sees it
  const char* const* envp;        // null-terminated: the complete environment
  const char* cwd;                // nullptr: the parent's
  int stdio[3];                   // dup2'd onto 0, 1 and 2
  pid_t parent;                   // ::getpid() of the harness: the child checks it is alive
};

struct started_child {
  pid_t pid = -1;
  int pidfd = -1;  // owned by the caller
  int error = 0;   // an errno: clone failed, or the child could not execve (and is reaped)
};

// Starts the plan's program in a new process of its own process group, with
// SIGKILL when the calling thread dies (PR_SET_PDEATHSIG), every descriptor
// above 2 closed, default signal dispositions, an empty signal mask and a
// core-file limit of 0. Safe to call from many threads at once.
started_child start_child(const child_plan& plan);

}  // namespace crashpoint::harness
