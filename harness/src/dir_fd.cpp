// dir_fd.cpp: directory operations relative to descriptors (see dir_fd.hpp).
#include "dir_fd.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cerrno>
#include <string>
#include <string_view>

namespace crashpoint::harness::dirfd {

void make_accessible(int dir_fd) {
  struct stat st {};
  if (::fstat(dir_fd, &st) == 0 && (st.st_mode & S_IRWXU) != S_IRWXU) {
    ::fchmod(dir_fd, (st.st_mode & 07777) | S_IRWXU);
  }
}

// Opens the directory `name` in `parent`, never following a symbolic link,
// and makes it accessible. A directory whose mode is 000 is first opened with
// O_PATH (which needs no permission) and chmodded through that descriptor.
unique_fd open_dir(int parent, const char* name) {
  constexpr int dir_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  unique_fd fd(::openat(parent, name, dir_flags));
  if (!fd && errno == EACCES) {
    const unique_fd path_fd(::openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
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
// stack than a shallow one.
class tree_remover {
 public:
  explicit tree_remover(int top_fd) : top_fd_(top_fd) {}

  bool remove_all_below() {
    empty_dir(top_fd_, 0);
    while (!moved_up_.empty()) {
      const std::string name = std::move(moved_up_.back());
      moved_up_.pop_back();
      remove_dir_at(top_fd_, name.c_str(), 0);
    }
    return ok_;
  }

 private:
  static constexpr int max_depth = 64;

  void empty_dir(int dir_fd, int depth) {
    const auto entries = list(dir_fd);
    if (!entries) {
      ok_ = false;
      return;
    }
    for (const dir_entry& e : *entries) {
      if (!e.is_dir) {
        if (::unlinkat(dir_fd, e.name.c_str(), 0) == 0 || errno == ENOENT) continue;
        if (errno != EISDIR) {  // EISDIR: it was replaced by a directory meanwhile
          ok_ = false;
          continue;
        }
      }
      if (depth + 1 >= max_depth && move_up(dir_fd, e.name)) continue;
      remove_dir_at(dir_fd, e.name.c_str(), depth + 1);
    }
  }

  void remove_dir_at(int parent_fd, const char* name, int depth) {
    if (const unique_fd sub = open_dir(parent_fd, name)) {
      empty_dir(sub.get(), depth);
    } else if (errno == ENOENT) {
      return;
    } else if (errno == ENOTDIR || errno == ELOOP) {  // replaced by a file or a link meanwhile
      if (::unlinkat(parent_fd, name, 0) != 0 && errno != ENOENT) ok_ = false;
      return;
    }
    if (::unlinkat(parent_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) ok_ = false;
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
  bool ok_ = true;
  std::size_t next_ = 0;
  std::vector<std::string> moved_up_;
};

}  // namespace

bool remove_all_below(int dir_fd) { return tree_remover(dir_fd).remove_all_below(); }

bool remove_entry(int parent, const char* name) {
  struct stat st {};
  if (::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT;
  if (!S_ISDIR(st.st_mode)) return ::unlinkat(parent, name, 0) == 0 || errno == ENOENT;
  const unique_fd dir = open_dir(parent, name);
  if (!dir) return errno == ENOENT;
  const bool emptied = remove_all_below(dir.get());
  return ::unlinkat(parent, name, AT_REMOVEDIR) == 0 && emptied;
}

}  // namespace crashpoint::harness::dirfd
