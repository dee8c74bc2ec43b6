// SPDX-License-Identifier: Apache-2.0
// tree_walk.cpp: depth first over descriptors, within the budget's limits.
#include "check/tree_walk.hpp"

#include <dirent.h>
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "workdir/dir_fd.hpp"

namespace crashpoint::harness {
namespace {

[[noreturn]] void cannot_read(std::string_view what, const std::string& shown, int error) {
  throw check_failed("cannot read " + std::string(what) + (what.empty() ? "" : " ") + shown + ": " +
                     std::strerror(error));
}

class walker {
 public:
  walker(std::string_view shown_as, const check_budget& budget, const walk_visitor& visit,
         const walk_limits& limits)
      : shown_as_(shown_as), budget_(budget), visit_(visit), limits_(limits) {}

  void root(const std::filesystem::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
      const int error = errno;
      if (error == ENOENT || error == ENOTDIR) return;
      cannot_read("", shown(), error);
    }
    if (!visit_({rel_, AT_FDCWD, path.c_str(), st, 0}) || !S_ISDIR(st.st_mode)) return;
    const dirfd::unique_fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
      const int error = errno;
      cannot_read("folder", shown(), error);
    }
    folder(fd.get(), 1);
  }

 private:
  // The current entry as messages name it: relative to the workdir.
  std::string shown() const {
    if (rel_.empty()) return std::string(shown_as_);
    return shortened_path(shown_as_ == "." ? rel_ : std::string(shown_as_) + "/" + rel_);
  }

  // The names in a folder, sorted; counted against the entry limit as they
  // are read, so a folder of millions of entries is not listed whole.
  std::vector<std::string> names(int fd) {
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    DIR* dir = copy < 0 ? nullptr : ::fdopendir(copy);
    if (dir == nullptr) {
      const int error = errno;
      if (copy >= 0) ::close(copy);
      cannot_read("folder", shown(), error);
    }
    std::vector<std::string> out;
    int error = 0;
    for (;;) {
      errno = 0;
      const dirent* e = ::readdir(dir);
      if (e == nullptr) {
        error = errno;
        break;
      }
      const std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      if (entries_ + out.size() >= limits_.entries) {
        ::closedir(dir);
        throw check_failed("more than " + std::to_string(limits_.entries) + " entries (reached in " +
                           shown() + "): a walk visits at most that many");
      }
      out.emplace_back(name);
    }
    ::closedir(dir);
    if (error != 0) cannot_read("folder", shown(), error);
    std::sort(out.begin(), out.end());
    return out;
  }

  void folder(int fd, std::size_t depth) {
    for (const std::string& name : names(fd)) {
      const std::size_t rel_size = rel_.size();
      rel_ += (rel_.empty() ? "" : "/") + name;
      entry(fd, name, depth);
      rel_.resize(rel_size);
    }
  }

  void entry(int fd, const std::string& name, std::size_t depth) {
    if (budget_.over()) budget_.give_up("walking " + shown());
    ++entries_;
    path_bytes_ += rel_.size();
    if (path_bytes_ > limits_.path_bytes) {
      throw check_failed("more than " + size_text(limits_.path_bytes) +
                         " of path names: a walk keeps at most that many");
    }
    struct stat st {};
    if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      const int error = errno;
      if (error == ENOENT) return;  // gone meanwhile
      cannot_read("", shown(), error);
    }
    if (!visit_({rel_, fd, name.c_str(), st, depth}) || !S_ISDIR(st.st_mode)) return;
    const dirfd::unique_fd child(::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!child) {
      const int error = errno;
      if (error == ENOENT) return;
      cannot_read("folder", shown(), error);
    }
    if (depth < limits_.depth) return folder(child.get(), depth + 1);
    if (!names(child.get()).empty()) {
      throw check_failed("folder " + shown() + " is " + std::to_string(depth) +
                         " levels down and not empty: a walk goes at most " + std::to_string(limits_.depth) +
                         " levels down");
    }
  }

  std::string_view shown_as_;
  const check_budget& budget_;
  const walk_visitor& visit_;
  const walk_limits& limits_;
  std::string rel_;
  std::size_t entries_ = 0, path_bytes_ = 0;
};

}  // namespace

void walk_tree(const std::filesystem::path& root, std::string_view shown_as, const check_budget& budget,
               const walk_visitor& visit, const walk_limits& limits) {
  walker(shown_as, budget, visit, limits).root(root);
}

bool path_exists(const std::filesystem::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  throw check_failed(std::string("cannot tell whether it exists: ") + std::strerror(errno));
}

}  // namespace crashpoint::harness
