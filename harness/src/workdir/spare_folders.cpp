// SPDX-License-Identifier: Apache-2.0
// spare_folders.cpp: parking, emptying and reusing run folders (see
// spare_folders.hpp and "Recycling" in workdir.hpp).
#include "workdir/spare_folders.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "workdir/dir_fd.hpp"

namespace crashpoint::harness {
namespace {

using dirfd::dir_entry;
using dirfd::list;
using dirfd::open_dir;
using dirfd::remove_entry;
using dirfd::unique_fd;

bool is_run_subdir(const std::string& name) {
  return std::any_of(run_subdirs.begin(), run_subdirs.end(), [&](const char* s) { return name == s; });
}

// The extended attributes of a directory (ACLs, security labels) as sorted
// "name=value" lines, or nothing when they cannot be read.
std::optional<std::string> xattrs_of(int fd) {
  const ssize_t size = ::flistxattr(fd, nullptr, 0);
  if (size == 0 || (size < 0 && errno == ENOTSUP)) return std::string();
  if (size < 0) return std::nullopt;
  std::string names(static_cast<std::size_t>(size), '\0');
  const ssize_t got = ::flistxattr(fd, names.data(), names.size());
  if (got < 0) return std::nullopt;
  std::vector<std::string> entries;
  for (std::size_t at = 0; at < static_cast<std::size_t>(got);) {
    const std::string name = names.c_str() + at;
    at += name.size() + 1;
    const ssize_t n = ::fgetxattr(fd, name.c_str(), nullptr, 0);
    if (n < 0) return std::nullopt;
    std::string value(static_cast<std::size_t>(n), '\0');
    const ssize_t read = ::fgetxattr(fd, name.c_str(), value.data(), value.size());
    if (read < 0) return std::nullopt;
    value.resize(static_cast<std::size_t>(read));
    entries.push_back(name + "=" + value);
  }
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const std::string& e : entries) out += e + '\n';
  return out;
}

std::optional<dir_identity> identity_of(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
  auto xattrs = xattrs_of(fd);
  if (!xattrs) return std::nullopt;
  dir_identity id{st.st_uid, st.st_gid, st.st_mode & 07777, st.st_size, -1, std::move(*xattrs)};
  int flags = 0;
  if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) id.flags = flags;
  return id;
}

// Gives the directory `fd` the mode of `fresh` (a target may have chmodded
// it), then says whether it is now like `fresh` in every other respect.
bool make_like(int fd, const dir_identity& fresh) {
  const auto now = identity_of(fd);
  if (!now) return false;
  if (now->mode == fresh.mode) return *now == fresh;
  return ::fchmod(fd, fresh.mode) == 0 && identity_of(fd) == fresh;
}

// Whether this process is a child subreaper (run_command makes it one): only
// then does every process a run started descend from one of its children.
bool is_subreaper() {
  int subreaper = 0;
  return ::prctl(PR_GET_CHILD_SUBREAPER, &subreaper) == 0 && subreaper != 0;
}

// Whether no process started by a run can still be inside a run folder: this
// process is a child subreaper, so each of them descends from one of its
// children (a process whose parent dies is re-parented here), and the kernel
// says it has none at all (ECHILD), running or zombie, of any of its threads.
// WNOHANG | WNOWAIT: nothing waits, nothing is reaped.
bool no_process_can_be_inside() {
  if (!is_subreaper()) return false;
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT | __WALL) != 0 && errno == ECHILD;
}

}  // namespace

bool spare_folders::can_recycle() const { return is_subreaper() && fresh().has_value(); }

void spare_folders::note_fresh(int run_fd, int work_fd) {
  const auto run = identity_of(run_fd);
  const auto sub = identity_of(work_fd);
  const std::lock_guard lock(mutex_);
  if (!fresh_ && run && sub) fresh_ = fresh_look{*run, *sub};
}

spare_folders::parked spare_folders::park(const std::string& name, dirfd::removal_report* left) {
  const auto look = fresh();
  if (!look) return parked::not_a_spare;
  const auto spare = rename_to_spare(name);
  if (!spare) return parked::not_a_spare;
  // Emptied right away in any case, so that no more of a run's data waits
  // on the disk than before recycling.
  const bool quiet = no_process_can_be_inside();
  if (!renew(*spare, *look)) {
    if (remove_entry(root_fd_, spare->c_str(), left)) return parked::removed;
    // Back under the run's name, where the user will look for it.
    if (::renameat2(root_fd_, spare->c_str(), root_fd_, name.c_str(), RENAME_NOREPLACE) != 0 &&
        left != nullptr) {
      left->add("left as " + *spare);
    }
    return parked::left;
  }
  std::string too_many;
  {
    const std::lock_guard lock(mutex_);
    if (quiet) {
      ready_.push_back(*spare);
    } else {
      pending_.push_back(*spare);
      if (pending_.size() > max_pending) {
        too_many = std::move(pending_.front());
        pending_.pop_front();
      }
    }
  }
  if (!too_many.empty()) drop(too_many);
  settle();
  return parked::yes;
}

bool spare_folders::reuse_as(const std::string& name) {
  if (!has_ready()) settle();
  std::string spare;
  {
    const std::lock_guard lock(mutex_);
    if (ready_.empty()) return false;
    spare = std::move(ready_.back());
    ready_.pop_back();
  }
  if (::renameat2(root_fd_, spare.c_str(), root_fd_, name.c_str(), RENAME_NOREPLACE) == 0) return true;
  drop(spare);
  return false;
}

void spare_folders::drop_all() {
  std::deque<std::string> all;
  {
    const std::lock_guard lock(mutex_);
    all.swap(pending_);
    for (std::string& s : ready_) all.push_back(std::move(s));
    ready_.clear();
  }
  for (const std::string& s : all) drop(s);
}

void spare_folders::drop(const std::string& spare) const {
  dirfd::removal_report left;
  if (!remove_entry(root_fd_, spare.c_str(), &left) && warn_) warn_(spare, left);
}

std::optional<spare_folders::fresh_look> spare_folders::fresh() const {
  const std::lock_guard lock(mutex_);
  return fresh_;
}

bool spare_folders::has_ready() const {
  const std::lock_guard lock(mutex_);
  return !ready_.empty();
}

std::optional<std::string> spare_folders::rename_to_spare(const std::string& name) {
  struct stat st {};
  if (::fstatat(root_fd_, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
    return std::nullopt;
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string to = ".spare-" + std::to_string(next_++);
    if (::renameat2(root_fd_, name.c_str(), root_fd_, to.c_str(), RENAME_NOREPLACE) == 0) return to;
    if (errno != EEXIST) break;
  }
  return std::nullopt;
}

void spare_folders::settle() {
  std::deque<std::string> todo;
  fresh_look look;
  {
    const std::lock_guard lock(mutex_);
    if (pending_.empty() || !fresh_ || !no_process_can_be_inside()) return;
    todo.swap(pending_);
    look = *fresh_;
  }
  for (const std::string& spare : todo) {
    if (renew(spare, look)) {
      const std::lock_guard lock(mutex_);
      ready_.push_back(spare);
    } else {
      drop(spare);
    }
  }
}

bool spare_folders::renew(const std::string& spare, const fresh_look& look) const {
  const unique_fd run = open_dir(root_fd_, spare.c_str());
  if (!run) return false;
  const auto entries = list(run.get());
  if (!entries) return false;
  // A mount point anywhere: a target ran as root and mounted something here;
  // the folder is removed rather than trusted again.
  dirfd::removal_report seen;
  bool ok = true;
  for (const dir_entry& e : *entries) {
    if (!is_run_subdir(e.name)) ok = remove_entry(run.get(), e.name.c_str(), &seen) && ok;
  }
  for (const char* sub : run_subdirs) {
    if (!ok || seen.met_mount) return false;
    // O_NOFOLLOW and O_DIRECTORY: a link or a file in its place fails here,
    // and so does a mount point (EXDEV).
    const unique_fd dir = open_dir(run.get(), sub);
    ok = dir && dirfd::remove_all_below(dir.get(), &seen) && make_like(dir.get(), look.sub);
  }
  return ok && !seen.met_mount && make_like(run.get(), look.run);
}

}  // namespace crashpoint::harness
