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
// The caller (process.cpp) makes sure no thread starts a child during
// kill_orphans(), and passes the children of the commands still running, which
// must not be touched; nor must what those commands left (see kill_orphans).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace crashpoint::harness {

// A command's child that has not been reaped yet.
struct live_child {
  pid_t pid = 0;
  // When it started: /proc/PID/stat `starttime`. Unset: kill_orphans reads it
  // only if it finds an orphan (the common case has none, and reading it for
  // every command cost as much as the sweep); unreadable then counts as 0.
  std::optional<std::uint64_t> start_ticks;
};

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

// `starttime` of a process (clock ticks since boot), if it can be read.
std::optional<std::uint64_t> process_start_ticks(pid_t pid);

struct orphan_count {
  std::size_t killed = 0;    // killed (or found dead) and reaped
  std::size_t deferred = 0;  // left for later: possibly a running command's
};

// SIGKILLs and reaps, round after round until none is left (killing one may
// re-parent its children to us), every child of this process that
//   - is not one of `running` (commands whose child is still unreaped),
//   - is not in this process's own process group (children the embedding
//     program started itself, say with posix_spawn, are its business), and
//   - cannot descend from a running command: it is a zombie already, or it
//     started strictly before every child in `running` started.
// An orphan that started after some running command did is deferred: it may
// be that command's (a daemon it started and still talks to). It is killed by
// a later call, at the latest by the first call after the commands that were
// running when it started have ended.
orphan_count kill_orphans(const std::vector<live_child>& running);

}  // namespace crashpoint::harness
