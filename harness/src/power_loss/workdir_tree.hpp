// SPDX-License-Identifier: Apache-2.0
// workdir_tree.hpp: changing names inside one directory tree and nowhere else.
//
//   workdir_tree t("/tmp/run/work");          // throws rebuild_error if it is not a directory
//   t.unlink("sub/data");                      // unlinkat in "sub", reached without following links
//   unique_fd f = t.create_file("sub/x", 0644);
//
// Every name is relative to the tree and checked (no "", ".", "..", no
// leading "/"); every directory on the way is opened with O_NOFOLLOW relative
// to the one before, and the last component is acted on with the *at calls
// and AT_SYMLINK_NOFOLLOW semantics. A symbolic link anywhere on the way is
// an error (ELOOP, ENOTDIR), never followed, so nothing outside the tree can
// be reached, whatever the tree holds.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace crashpoint::power_loss {

class rebuild_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws rebuild_error "WHAT: strerror(error)".
[[noreturn]] void throw_rebuild_error(const std::string& what, int error);

// The rebuild failed after it had started to change the tree: the tree is
// neither as crashed nor the state.
class rebuild_failure : public rebuild_error {
 public:
  using rebuild_error::rebuild_error;
};

class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& o) noexcept;
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd();
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

class workdir_tree {
 public:
  explicit workdir_tree(const std::filesystem::path& root);
  const std::filesystem::path& root() const { return root_; }
  int fd() const { return dir_.get(); }

  // lstat of a name; nullopt when it does not exist (or its directory does not).
  std::optional<struct stat> lstat(const std::string& name) const;
  void unlink(const std::string& name) const;              // a file, symbolic link or special file
  void remove_tree(const std::string& name) const;         // a directory and everything in it
  bool mkdir(const std::string& name, mode_t mode) const;  // false: its parent does not exist
  bool link(int from_dir, const std::string& from_name, const std::string& name) const;  // false: no parent
  bool symlink(const std::string& target, const std::string& name) const;                // false: no parent
  void link_out(const std::string& name, int to_dir,
                const std::string& to_name) const;                // a new link to it elsewhere
  unique_fd open_file(const std::string& name, int flags) const;  // O_NOFOLLOW added; throws on failure

 private:
  // The directory holding `name`'s last component, and that component.
  std::pair<unique_fd, std::string> parent(const std::string& name) const;

  std::filesystem::path root_;
  unique_fd dir_;
};

// Removes everything in the directory `dir` (a descriptor), without following links, to `depth` levels.
void empty_directory(int dir, const std::string& shown_as, int depth = 0);

}  // namespace crashpoint::power_loss
