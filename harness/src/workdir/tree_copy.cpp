// SPDX-License-Identifier: Apache-2.0
// tree_copy.cpp: a folder's contents copied through descriptors (see tree_copy.hpp).
#include "workdir/tree_copy.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <utility>
#include <vector>

#include "workdir/dir_fd.hpp"

namespace crashpoint::harness::dirfd {
namespace {

constexpr int max_depth = 64;
constexpr int read_flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC;

std::string errno_text() { return std::strerror(errno); }

// Writes all of `len` bytes at `off`, retrying short writes.
bool write_all(int fd, const char* data, std::size_t len, off_t off) {
  while (len > 0) {
    const ssize_t n = ::pwrite(fd, data, len, off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n, len -= static_cast<std::size_t>(n), off += n;
  }
  return true;
}

// Copies bytes [off, end) of `from` to the same place in `to`: copy_file_range
// (in-kernel, and a reflink on some file systems), else pread and pwrite.
bool copy_range(int from, int to, off_t off, off_t end) {
  bool in_kernel = true;
  std::vector<char> buffer;
  while (off < end) {
    const auto want = static_cast<std::size_t>(end - off);
    if (in_kernel) {
      loff_t in = off, out = off;
      const ssize_t n = ::copy_file_range(from, &in, to, &out, want, 0);
      if (n > 0) {
        off += n;
        continue;
      }
      if (n == 0) return true;  // the file is shorter than it was: copied what there is
      if (errno == EINTR) continue;
      if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) return false;
      in_kernel = false;
    }
    buffer.resize(1 << 20);
    const ssize_t n = ::pread(from, buffer.data(), std::min(want, buffer.size()), off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    if (!write_all(to, buffer.data(), static_cast<std::size_t>(n), off)) return false;
    off += n;
  }
  return true;
}

// The data of a `size`-byte file: only its data extents, so that holes stay holes.
bool copy_data(int from, int to, off_t size) {
  if (::ioctl(to, FICLONE, from) == 0) return true;
  for (off_t off = 0; off < size;) {
    off_t data = ::lseek(from, off, SEEK_DATA);
    if (data < 0 && errno == ENXIO) break;  // only a hole is left
    if (data < 0) data = off;               // no SEEK_DATA here: everything is data
    off_t hole = ::lseek(from, data, SEEK_HOLE);
    if (hole < 0 || hole > size) hole = size;
    if (!copy_range(from, to, data, hole)) return false;
    off = hole;
  }
  return ::ftruncate(to, size) == 0;  // a trailing hole, or nothing to copy at all
}

struct timestamps {
  struct timespec t[2];
  explicit timestamps(const struct stat& st) : t{st.st_atim, st.st_mtim} {}
};

// The owner and group of `st`, where they differ from what `fd` has.
bool copy_owner(int fd, const struct stat& st) {
  struct stat now {};
  if (::fstat(fd, &now) != 0) return false;
  if (now.st_uid == st.st_uid && now.st_gid == st.st_gid) return true;
  return ::fchown(fd, st.st_uid, st.st_gid) == 0;
}

// Mode, owner and times of `st`, onto the open file or folder `fd`. Times
// last: setting the mode or owner changes only the status time.
bool copy_metadata(int fd, const struct stat& st) {
  const timestamps times(st);
  return copy_owner(fd, st) && ::fchmod(fd, st.st_mode & 07777) == 0 && ::futimens(fd, times.t) == 0;
}

class tree_copier {
 public:
  tree_copier(int to_top, dev_t device) : to_top_(to_top), device_(device) {}

  bool copy_dir(int from, int to, const std::string& rel, int depth) {
    const auto entries = list(from);
    if (!entries) return fail(shown(rel) + ": cannot be read: " + errno_text());
    for (const dir_entry& e : *entries) {
      if (!copy_entry(from, to, e.name, rel.empty() ? e.name : rel + "/" + e.name, depth)) return false;
    }
    return true;
  }

  std::string error;

 private:
  static std::string shown(const std::string& rel) { return rel.empty() ? "." : rel; }

  bool fail(std::string what) {
    if (error.empty()) error = std::move(what);
    return false;
  }

  bool copy_entry(int from, int to, const std::string& name, const std::string& rel, int depth) {
    struct stat st {};
    if (::fstatat(from, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return fail(rel + ": " + errno_text());
    }
    if (st.st_dev != device_) return fail(rel + ": another file system is mounted there");
    switch (st.st_mode & S_IFMT) {
      case S_IFDIR: return copy_subdir(from, to, name, rel, st, depth);
      case S_IFLNK: return copy_link(from, to, name, rel, st);
      case S_IFREG: return copy_file(from, to, name, rel, st);
      case S_IFIFO: return copy_fifo(to, name, rel, st);
      default: return fail(rel + ": a socket or device, which cannot be copied");
    }
  }

  bool copy_subdir(int from, int to, const std::string& name, const std::string& rel, const struct stat& st,
                   int depth) {
    if (depth + 1 > max_depth) return fail(rel + ": more than 64 folder levels");
    const unique_fd source(::openat(from, name.c_str(), read_flags | O_DIRECTORY));
    if (!source) return fail(rel + ": " + errno_text());
    if (::mkdirat(to, name.c_str(), 0700) != 0) return fail(rel + ": cannot create: " + errno_text());
    const unique_fd copy(::openat(to, name.c_str(), read_flags | O_DIRECTORY));
    if (!copy) return fail(rel + ": " + errno_text());
    if (!copy_dir(source.get(), copy.get(), rel, depth + 1)) return false;
    return copy_metadata(copy.get(), st) ||
           fail(rel + ": cannot set its mode, owner or times: " + errno_text());
  }

  bool copy_link(int from, int to, const std::string& name, const std::string& rel, const struct stat& st) {
    std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
    const ssize_t n = ::readlinkat(from, name.c_str(), target.data(), target.size());
    if (n < 0 || static_cast<std::size_t>(n) >= target.size()) return fail(rel + ": cannot read the link");
    target.resize(static_cast<std::size_t>(n));
    if (::symlinkat(target.c_str(), to, name.c_str()) != 0) return fail(rel + ": " + errno_text());
    const timestamps times(st);
    const bool owner_ok = (st.st_uid == ::geteuid() && st.st_gid == ::getegid()) ||
                          ::fchownat(to, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) == 0;
    if (owner_ok && ::utimensat(to, name.c_str(), times.t, AT_SYMLINK_NOFOLLOW) == 0) return true;
    return fail(rel + ": cannot set the link's owner or times: " + errno_text());
  }

  bool copy_file(int from, int to, const std::string& name, const std::string& rel, const struct stat& st) {
    const std::pair<dev_t, ino_t> id{st.st_dev, st.st_ino};
    if (st.st_nlink > 1) {
      if (const auto it = linked_.find(id); it != linked_.end()) {
        if (::linkat(to_top_, it->second.c_str(), to, name.c_str(), 0) == 0) return true;
        return fail(rel + ": cannot link it to " + it->second + ": " + errno_text());
      }
      linked_.emplace(id, rel);
    }
    const unique_fd source(::openat(from, name.c_str(), read_flags));
    if (!source) return fail(rel + ": " + errno_text());
    const unique_fd copy(
        ::openat(to, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!copy) return fail(rel + ": cannot create: " + errno_text());
    if (!copy_data(source.get(), copy.get(), st.st_size)) return fail(rel + ": cannot copy: " + errno_text());
    return copy_metadata(copy.get(), st) ||
           fail(rel + ": cannot set its mode, owner or times: " + errno_text());
  }

  bool copy_fifo(int to, const std::string& name, const std::string& rel, const struct stat& st) {
    if (::mkfifoat(to, name.c_str(), 0600) != 0) return fail(rel + ": " + errno_text());
    // Opened without blocking, for writing metadata only: O_PATH cannot fchmod.
    const unique_fd copy(::openat(to, name.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
    if (copy && copy_metadata(copy.get(), st)) return true;
    return fail(rel + ": cannot set its mode, owner or times: " + errno_text());
  }

  int to_top_;
  dev_t device_;
  // Files with more than one link, by identity: where their first copy is, below to_top_.
  std::map<std::pair<dev_t, ino_t>, std::string> linked_;
};

}  // namespace

bool copy_below(int from_dir, int to_dir, std::string& error) {
  struct stat top {};
  if (::fstat(from_dir, &top) != 0) {
    error = errno_text();
    return false;
  }
  tree_copier copier(to_dir, top.st_dev);
  if (!copier.copy_dir(from_dir, to_dir, "", 0)) {
    error = copier.error;
    return false;
  }
  if (copy_metadata(to_dir, top)) return true;
  error = ".: cannot set its mode, owner or times: " + errno_text();
  return false;
}

}  // namespace crashpoint::harness::dirfd
