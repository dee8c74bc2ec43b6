// SPDX-License-Identifier: Apache-2.0
// fd_probe.hpp: what a traced thread's file descriptor refers to.
//
//   fd_prober probe;
//   std::optional<fd_facts> f = probe.facts(tid, tgid, 3, /*want_pos=*/true);
//   if (f && f->regular()) ... f->path, f->dev, f->ino, *f->pos, f->status_flags
//
// The fast way takes a duplicate of the descriptor with pidfd_getfd(2) (the
// thread is stopped, and the duplicate is closed before it runs again, so
// locks and close semantics are untouched), then fstat, lseek(SEEK_CUR) and
// F_GETFL on it: a few cheap system calls instead of parsing /proc text. The
// path is asked of the kernel (readlink of /proc/self/fd/N) once per file and
// remembered by (st_dev, st_ino), but trusted again only while lstat of it
// still finds that inode: ext4 gives a deleted file's inode to the next file
// made, and a path remembered blindly would take a write into the workdir for
// one to the deleted file outside it, and leave it out of the log. Measured
// on a 2-CPU VM, whole process, 100,000 logged writes: the lstat adds about
// 3 µs to a modelled call's 53, a readlink at every call 12.
// Where pidfd_getfd cannot be used (kernels
// before 5.6, a thread with its own descriptor table on kernels before 6.9),
// /proc/TID/fd and /proc/TID/fdinfo are read instead.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace crashpoint::recorder {

struct fd_facts {
  dev_t dev = 0;
  ino_t ino = 0;
  mode_t mode = 0;
  std::uint64_t size = 0;
  int status_flags = 0;              // F_GETFL: O_APPEND, O_DIRECT, O_SYNC, access mode
  std::optional<std::uint64_t> pos;  // the file offset, when asked for
  std::string path;                  // absolute, as the kernel names it (may end in " (deleted)")

  bool regular() const { return S_ISREG(mode); }
  bool directory() const { return S_ISDIR(mode); }
};

class fd_prober {
 public:
  fd_prober() = default;
  fd_prober(const fd_prober&) = delete;
  fd_prober& operator=(const fd_prober&) = delete;
  ~fd_prober();

  // nullopt when fd is not open in that thread (the call will fail with EBADF).
  std::optional<fd_facts> facts(pid_t tid, pid_t tgid, int fd, bool want_pos);

  // A descriptor of ours for the file the thread's fd refers to, opened
  // read-only through /proc (for reading what a copy wrote); -1 on failure.
  static int reopen_for_reading(pid_t tid, int fd);

  void thread_gone(pid_t tid);

 private:
  int pidfd_for(pid_t tid, pid_t tgid);
  std::optional<fd_facts> facts_from_proc(pid_t tid, int fd, bool want_pos);
  std::string path_of(int our_fd, dev_t dev, ino_t ino);

  struct file_key {
    dev_t dev;
    ino_t ino;
    bool operator==(const file_key&) const = default;
  };
  struct file_key_hash {
    std::size_t operator()(const file_key& k) const noexcept {
      return std::hash<std::uint64_t>{}(k.ino * 31 + k.dev);
    }
  };

  std::unordered_map<pid_t, int> pidfds_;
  std::unordered_map<file_key, std::string, file_key_hash> paths_;
  bool thread_pidfds_ = true;  // pidfd_open(PIDFD_THREAD) works here
  bool getfd_works_ = true;    // pidfd_getfd exists here
};

}  // namespace crashpoint::recorder
