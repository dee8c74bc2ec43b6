// SPDX-License-Identifier: Apache-2.0
// dir_fd.hpp: directory operations relative to descriptors, never through a
// symbolic link and never across a mount point: the ground workdir.cpp and
// spare_folders.cpp stand on (see workdir.hpp for why a run folder must be
// handled this way).
//
//   dirfd::unique_fd run = dirfd::open_dir(root_fd, "0003-deposit");   // O_NOFOLLOW, same mount
//   for (const auto& e : *dirfd::list(run.get())) ...
//   dirfd::removal_report left;
//   dirfd::remove_entry(root_fd, "0003-deposit", &left);   // the tree, or the link itself
//
// Mount points. A target running as root can bind-mount any folder into its
// workdir; removing the workdir's content through that mount would empty the
// folder mounted there. So a directory is only ever opened on the mount of
// the directory it is opened from (openat2 with RESOLVE_NO_XDEV, which also
// sees bind mounts of the same file system; on kernels before 5.6 the device
// numbers are compared, which does not). A removal that meets a mount point
// detaches it (umount2 MNT_DETACH, when the harness may), which leaves what
// was mounted untouched, and then removes the folder that was under it; a
// mount it cannot detach is left in place with everything under it, and said
// in the report.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crashpoint::harness::dirfd {

class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) : fd_(fd) {}
  ~unique_fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Adds the owner's rwx to a directory we hold open (a target may have taken
// them away); fails harmlessly on a directory that is not ours.
void make_accessible(int dir_fd);

// Opens the directory `name` in `parent`, never following a symbolic link
// and never crossing a mount point, and makes it accessible, even from mode
// 000. Empty, with errno, on failure: EXDEV when a mount point is there.
unique_fd open_dir(int parent, const char* name);

// Lazily unmounts whatever is mounted at `name` in `parent` (the topmost
// mount there), found through the descriptor, not through a path a target
// could change. False, with errno, when nothing is mounted there or the
// harness may not unmount it (EPERM without CAP_SYS_ADMIN).
bool detach_mount(int parent, const char* name);

struct dir_entry {
  std::string name;
  bool is_dir;
};

// The entries of a directory but `.` and `..`, or nothing if it cannot be read.
std::optional<std::vector<dir_entry>> list(int dir_fd);

// What a removal left behind, one line for each thing and why ("work/sub: a
// mount point that cannot be unmounted: Operation not permitted"), at most
// max_lines of them; and whether it met a mount point at all (detached or not).
struct removal_report {
  static constexpr std::size_t max_lines = 8;
  std::vector<std::string> left;
  std::size_t more = 0;  // lines beyond max_lines
  bool met_mount = false;
  void add(std::string line);
  std::string text() const;  // the lines joined with "; "
};

// Removes everything below the directory `dir_fd`, however deep, without
// crossing a mount point. True when all of it went; `report`, if given,
// receives what did not.
bool remove_all_below(int dir_fd, removal_report* report = nullptr);

// Removes the entry `name` of `parent`: a directory with everything in it, or
// a file or a symbolic link itself. True when it is gone (or was never there).
bool remove_entry(int parent, const char* name, removal_report* report = nullptr);

}  // namespace crashpoint::harness::dirfd
