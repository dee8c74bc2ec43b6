// SPDX-License-Identifier: Apache-2.0
// orphan_reaper.hpp: the harness adopts what its targets leave behind, and ends it.
//
// Killing a command's process group ends every process that stayed in it, but
// not one that left: a grandchild that called setsid(), a daemon that forked
// twice. Such a process would outlive the run, hold files in the workdir, and
// spin or write for ever. Once the harness is a child subreaper, any process
// of its tree whose parent dies is re-parented to the harness instead of to
// init, so the harness finds it among its own children (a child it never
// started) and can kill and reap it.
//
//   become_subreaper();                   // once, before the first child starts
//   ...                                   // a command ends, its group is killed
//   kill_orphans(still_running);          // everything it left, ended and reaped
//
// Attribution. With several commands running at once, a process that left
// one command's group must not be taken for another's leftover, nor live on
// because another command is still running. Each command therefore runs
// under a shepherd of its own, the harness's child, which is itself a child
// subreaper (clone_spawn.hpp): while the command runs, what it leaves behind
// is re-parented to its shepherd, not to the harness. Only when the shepherd
// exits, after the command has ended, does it go to the harness. So every
// child of the harness that is not a running command's shepherd is something
// a finished command left, and is killed at once, whatever else is running.
//
// The caller (process.cpp) makes sure no thread starts a child during
// kill_orphans(), and passes the shepherds of the commands still running,
// which must not be touched.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <vector>

namespace crashpoint::harness {

// Where the children of this process are listed from: the kernel's
// /proc/self/task/*/children files (CONFIG_PROC_CHILDREN), or else a scan of
// every /proc/PID/stat for our pid as the parent. `automatic` picks the first
// the kernel has; the others are for tests.
enum class children_source { automatic, task_files, proc_scan };

// The pids of this process's children (of all its threads), zombies included.
std::vector<pid_t> list_children(children_source from = children_source::automatic);

// Makes this process a child subreaper; only the first call acts. False if
// the kernel refused (then orphans go to init, as without it).
bool become_subreaper();

// SIGKILLs and reaps, round after round until none is left (killing one may
// re-parent its children to us), every child of this process that
//   - is not one of `running` (the shepherds of commands still running), and
//   - is not in this process's own process group (children the embedding
//     program started itself, say with posix_spawn, are its business).
// Returns how many were killed (or found dead) and reaped.
std::size_t kill_orphans(const std::vector<pid_t>& running);

}  // namespace crashpoint::harness
