// SPDX-License-Identifier: Apache-2.0
// dir_fd.cpp: directory operations relative to descriptors (see dir_fd.hpp).
#include "workdir/dir_fd.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace crashpoint::harness::dirfd {

void make_accessible(int dir_fd) {
  struct stat st {};
  if (::fstat(dir_fd, &st) == 0 && (st.st_mode & S_IRWXU) != S_IRWXU) {
    ::fchmod(dir_fd, (st.st_mode & 07777) | S_IRWXU);
  }
}

namespace {

// openat2 with RESOLVE_NO_XDEV: EXDEV when `name` is a mount point, bind
// mounts included. Kernels before 5.6 lack openat2: there, openat and a
// comparison of the device numbers.
int open_on_same_mount(int parent, const char* name, int flags) {
  static std::atomic<bool> have_openat2{true};
  if (have_openat2.load(std::memory_order_relaxed)) {
    open_how how{};
    how.flags = static_cast<__u64>(static_cast<unsigned>(flags));
    how.resolve = RESOLVE_NO_XDEV;
    const long fd = ::syscall(SYS_openat2, parent, name, &how, sizeof how);
    if (fd >= 0 || errno != ENOSYS) return static_cast<int>(fd);
    have_openat2.store(false, std::memory_order_relaxed);
  }
  const int fd = ::openat(parent, name, flags);
  if (fd < 0) return fd;
  struct stat above {
  }, below{};
  if (::fstat(parent, &above) == 0 && ::fstat(fd, &below) == 0 && above.st_dev == below.st_dev) return fd;
  ::close(fd);
  errno = EXDEV;
  return -1;
}

}  // namespace

// Opens the directory `name` in `parent`, never following a symbolic link
// nor crossing a mount point, and makes it accessible. A directory whose mode
// is 000 is first opened with O_PATH (which needs no permission) and chmodded
// through that descriptor.
unique_fd open_dir(int parent, const char* name) {
  constexpr int dir_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  unique_fd fd(open_on_same_mount(parent, name, dir_flags));
  if (!fd && errno == EACCES) {
    const unique_fd path_fd(open_on_same_mount(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!path_fd) return {};
    struct stat st {};
    if (::fstat(path_fd.get(), &st) != 0) return {};
    // chmod through /proc/self/fd follows the descriptor, not a name.
    const std::string self = "/proc/self/fd/" + std::to_string(path_fd.get());
    if (::chmod(self.c_str(), (st.st_mode & 07777) | S_IRWXU) != 0) return {};
    fd = unique_fd(::openat(path_fd.get(), ".", dir_flags));
  }
  if (fd) make_accessible(fd.get());
  return fd;
}

bool detach_mount(int parent, const char* name) {
  // The magic link /proc/self/fd/N is the directory itself, wherever its
  // path now leads; UMOUNT_NOFOLLOW: a symbolic link at `name` is not followed.
  const std::string at = "/proc/self/fd/" + std::to_string(parent) + "/" + name;
  return ::umount2(at.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0;
}

void removal_report::add(std::string line) {
  if (left.size() < max_lines) {
    left.push_back(std::move(line));
  } else {
    ++more;
  }
}

std::string removal_report::text() const {
  std::string out;
  for (const std::string& line : left) out += (out.empty() ? "" : "; ") + line;
  if (more > 0) out += "; and " + std::to_string(more) + " more";
  return out;
}

std::optional<std::vector<dir_entry>> list(int dir_fd) {
  const int copy = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return std::nullopt;
  DIR* dir = ::fdopendir(copy);
  if (dir == nullptr) {
    ::close(copy);
    return std::nullopt;
  }
  std::vector<dir_entry> out;
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st {};
      is_dir = ::fstatat(dir_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    out.push_back({std::string(name), is_dir});
  }
  ::closedir(dir);
  return out;
}

namespace {

// Removes everything below one directory. Directories deeper than max_depth
// are first moved up to the top directory (a rename within the tree being
// removed), so a target's 100,000-level tree costs no more descriptors or
// stack than a shallow one. A mount point on the way is detached first, or
// left with what is under it (see dir_fd.hpp).
class tree_remover {
 public:
  tree_remover(int top_fd, removal_report* report) : top_fd_(top_fd), report_(report) {}

  bool remove_all_below() {
    empty_dir(top_fd_, 0);
    while (!moved_up_.empty()) {
      const std::string name = std::move(moved_up_.back());
      moved_up_.pop_back();
      remove_dir_at(top_fd_, name.c_str(), 0);
    }
    return ok_;
  }

  // open_dir, detaching the mounts stacked at `name` first.
  unique_fd open_below(int parent_fd, const char* name) {
    for (int i = 0; i < max_stacked_mounts; ++i) {
      unique_fd fd = open_dir(parent_fd, name);
      if (fd || errno != EXDEV || !detach(parent_fd, name)) return fd;
    }
    leave(name, "more than " + std::to_string(max_stacked_mounts) + " mounts stacked there");
    errno = EXDEV;
    return {};
  }

  // unlinkat, detaching what is mounted on the file first (EBUSY).
  bool unlink_file(int parent_fd, const char* name) {
    for (int i = 0; i < max_stacked_mounts; ++i) {
      if (::unlinkat(parent_fd, name, 0) == 0 || errno == ENOENT) return true;
      if (errno != EBUSY || !detach(parent_fd, name)) return false;
    }
    return false;
  }

  // Notes that `name` (in the directory being emptied) stays, and why; errno
  // is kept for the caller.
  void leave(const std::string& name, const std::string& why) {
    const int err = errno;
    ok_ = false;
    if (report_ != nullptr) {
      std::string where;
      for (const std::string& part : path_) where += part + "/";
      report_->add(where + name + ": " + why);
    }
    errno = err;
  }

 private:
  static constexpr int max_depth = 64;
  static constexpr int max_stacked_mounts = 16;

  void empty_dir(int dir_fd, int depth) {
    const auto entries = list(dir_fd);
    if (!entries) return leave(".", why_not());
    for (const dir_entry& e : *entries) {
      if (!e.is_dir) {
        if (unlink_file(dir_fd, e.name.c_str())) continue;
        if (errno != EISDIR) {  // EISDIR: it was replaced by a directory meanwhile
          leave(e.name, why_not());
          continue;
        }
      }
      if (depth + 1 >= max_depth && move_up(dir_fd, e.name)) continue;
      remove_dir_at(dir_fd, e.name.c_str(), depth + 1);
    }
  }

  void remove_dir_at(int parent_fd, const char* name, int depth) {
    if (const unique_fd sub = open_below(parent_fd, name)) {
      path_.push_back(name);
      empty_dir(sub.get(), depth);
      path_.pop_back();
    } else if (errno == ENOENT) {
      return;
    } else if (errno == ENOTDIR || errno == ELOOP) {  // replaced by a file or a link meanwhile
      if (!unlink_file(parent_fd, name)) leave(name, why_not());
      return;
    } else if (errno == EXDEV) {  // a mount point it could not detach: said already
      return;
    } else {
      return leave(name, std::string("cannot be opened: ") + std::strerror(errno));
    }
    if (::unlinkat(parent_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT && errno != ENOTEMPTY) {
      leave(name, why_not());  // ENOTEMPTY: what stays inside is said already
    }
  }

  static std::string why_not() { return std::string("cannot be removed: ") + std::strerror(errno); }

  // Detaches the mount at `name`; says so in the report when it cannot.
  bool detach(int parent_fd, const char* name) {
    if (report_ != nullptr) report_->met_mount = true;
    if (detach_mount(parent_fd, name)) return true;
    const int err = errno;
    leave(name, std::string("a mount point that cannot be unmounted: ") + std::strerror(err));
    errno = EXDEV;
    return false;
  }

  bool move_up(int dir_fd, const std::string& name) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::string to = ".crashpoint-deep-" + std::to_string(next_++);
      if (::renameat2(dir_fd, name.c_str(), top_fd_, to.c_str(), RENAME_NOREPLACE) == 0) {
        moved_up_.push_back(std::move(to));
        return true;
      }
      if (errno != EEXIST) return false;
    }
    return false;
  }

  int top_fd_;
  removal_report* report_;
  bool ok_ = true;
  std::size_t next_ = 0;
  std::vector<std::string> moved_up_;
  std::vector<std::string> path_;  // below top_fd_, of the directory being emptied
};

}  // namespace

bool remove_all_below(int dir_fd, removal_report* report) {
  return tree_remover(dir_fd, report).remove_all_below();
}

bool remove_entry(int parent, const char* name, removal_report* report) {
  struct stat st {};
  if (::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT;
  tree_remover in_parent(parent, report);  // for `name` itself only
  if (!S_ISDIR(st.st_mode)) {
    if (in_parent.unlink_file(parent, name)) return true;
    in_parent.leave(name, std::string("cannot be removed: ") + std::strerror(errno));
    return false;
  }
  const unique_fd dir = in_parent.open_below(parent, name);
  if (!dir && errno != ENOENT && errno != EXDEV) {
    in_parent.leave(name, std::string("cannot be opened: ") + std::strerror(errno));
  }
  if (!dir) return errno == ENOENT;
  const bool emptied = remove_all_below(dir.get(), report);
  if (::unlinkat(parent, name, AT_REMOVEDIR) == 0) return emptied;
  if (emptied && errno != ENOENT)
    in_parent.leave(name, std::string("cannot be removed: ") + std::strerror(errno));
  return errno == ENOENT && emptied;
}

}  // namespace crashpoint::harness::dirfd
