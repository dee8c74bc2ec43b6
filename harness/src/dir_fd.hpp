// dir_fd.hpp: directory operations relative to descriptors, never through a
// symbolic link: the ground workdir.cpp and spare_folders.cpp stand on (see
// workdir.hpp for why a run folder must be handled this way).
//
//   dirfd::unique_fd run = dirfd::open_dir(root_fd, "0003-deposit");   // O_NOFOLLOW
//   for (const auto& e : *dirfd::list(run.get())) ...
//   dirfd::remove_entry(root_fd, "0003-deposit");   // the tree, or the link itself
#pragma once

#include <unistd.h>

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

// Opens the directory `name` in `parent`, never following a symbolic link,
// and makes it accessible, even from mode 000. Empty, with errno, on failure.
unique_fd open_dir(int parent, const char* name);

struct dir_entry {
  std::string name;
  bool is_dir;
};

// The entries of a directory but `.` and `..`, or nothing if it cannot be read.
std::optional<std::vector<dir_entry>> list(int dir_fd);

// Removes everything below the directory `dir_fd`, however deep. True when
// all of it went.
bool remove_all_below(int dir_fd);

// Removes the entry `name` of `parent`: a directory with everything in it, or
// a file or a symbolic link itself. True when it is gone (or was never there).
bool remove_entry(int parent, const char* name);

}  // namespace crashpoint::harness::dirfd
