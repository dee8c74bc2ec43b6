// SPDX-License-Identifier: Apache-2.0
// workdir.cpp: per-run directories under one temporary root, created, written,
// recycled and removed through directory descriptors (see workdir.hpp).
#include "workdir/workdir.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "workdir/dir_fd.hpp"
#include "workdir/spare_folders.hpp"
#include "workdir/tree_copy.hpp"

namespace crashpoint::harness {
namespace {

using dirfd::list;
using dirfd::make_accessible;
using dirfd::open_dir;
using dirfd::remove_entry;
using dirfd::unique_fd;

// A file-name-safe version of a run id.
std::string slug(const std::string& id) {
  std::string out;
  for (char c : id) {
    const bool safe =
        std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '@';
    out += safe ? c : '_';
    if (out.size() >= 80) break;
  }
  return out;
}

// The components of `p` below `root`, or nothing when `p` is not strictly
// inside it (relative, the root itself, or `..` out of it).
std::optional<std::vector<std::string>> components_inside(const fs::path& root, const fs::path& p) {
  if (!p.is_absolute()) return std::nullopt;
  const fs::path rel = p.lexically_normal().lexically_relative(root);
  std::vector<std::string> parts;
  for (const fs::path& part : rel) {
    if (part == "..") return std::nullopt;
    if (part.empty() || part == ".") continue;
    parts.push_back(part.string());
  }
  if (parts.empty()) return std::nullopt;
  return parts;
}

// Opens the directory that holds the last component, walking from root_fd.
// ENOENT in errno when a component is missing.
unique_fd open_parent(int root_fd, const std::vector<std::string>& parts) {
  make_accessible(root_fd);
  unique_fd dir(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  for (std::size_t i = 0; i + 1 < parts.size() && dir; ++i) dir = open_dir(dir.get(), parts[i].c_str());
  return dir;
}

struct stat stat_of(int fd) {
  struct stat st {};
  ::fstat(fd, &st);
  return st;
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// What a removal left: said on stderr, since nothing else would show it.
void warn_left(const fs::path& what, const dirfd::removal_report& left) {
  const std::string why = left.text();
  fmt::print(stderr, "crashpoint: warning: could not remove {}{}{}\n", what.string(), why.empty() ? "" : ": ",
             why);
}

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

temp_root::temp_root() {
  const char* tmpdir = std::getenv("TMPDIR");
  const fs::path base = tmpdir && *tmpdir ? tmpdir : "/tmp";
  std::string tmpl = (base / "crashpoint-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw temp_root_error("cannot create the harness's temporary folder in " + base.string() + " (" +
                          (tmpdir && *tmpdir ? "TMPDIR" : "the default, TMPDIR being unset") +
                          "): " + std::strerror(errno));
  }
  root_ = fs::canonical(tmpl);
  name_ = root_.filename().string();
  parent_fd_ = ::open(root_.parent_path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  root_fd_ = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (parent_fd_ < 0 || root_fd_ < 0) {
    const int err = errno;
    if (root_fd_ >= 0) ::close(root_fd_);
    if (parent_fd_ >= 0) ::close(parent_fd_);
    ::rmdir(root_.c_str());
    errno = err;
    throw_errno("cannot open " + root_.string());
  }
  spares_ = std::make_unique<spare_folders>(
      root_fd_, [root = root_](const std::string& name, const dirfd::removal_report& left) {
        warn_left(root / name, left);
      });
}

temp_root::~temp_root() {
  // Normally remove_if_empty() has done this; after an exception, at least
  // no spare is left behind.
  try {
    spares_->drop_all();
  } catch (...) {
  }
  ::close(root_fd_);
  ::close(parent_fd_);
}

run_dirs temp_root::make_run_dirs(std::size_t index, const std::string& id) const {
  char number[16];
  std::snprintf(number, sizeof number, "%04zu", index + 1);
  run_dirs d;
  const std::string name = std::string(number) + "-" + slug(id);
  d.dir = root_ / name;
  d.work = d.dir / "work";
  d.home = d.dir / "home";
  d.tmp = d.dir / "tmp";
  d.logs = d.dir / "logs";
  d.trace = d.dir / "trace";
  d.state = d.dir / "state.json";

  struct stat at_path {};
  if (::stat(root_.c_str(), &at_path) != 0 || !same_file(at_path, stat_of(root_fd_))) {
    throw std::runtime_error("the harness's temporary folder " + root_.string() +
                             " was moved or removed (by a target?)");
  }
  make_accessible(root_fd_);
  if (spares_->reuse_as(name)) return d;
  // Like create_directories: a directory already there is fine.
  const bool fresh = ::mkdirat(root_fd_, name.c_str(), 0777) == 0;
  if (!fresh && errno != EEXIST) throw_errno("cannot create " + d.dir.string());
  const unique_fd run_fd = open_dir(root_fd_, name.c_str());
  if (!run_fd) throw_errno("cannot open " + d.dir.string());
  bool all_fresh = fresh;
  for (const char* sub : run_subdirs) {
    if (::mkdirat(run_fd.get(), sub, 0777) == 0) continue;
    if (errno != EEXIST || !open_dir(run_fd.get(), sub))
      throw_errno("cannot create " + (d.dir / sub).string());
    all_fresh = false;
  }
  // What a recycled folder must look like (no target has run in this one yet).
  if (all_fresh) {
    const unique_fd work(::openat(run_fd.get(), "work", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (work) spares_->note_fresh(run_fd.get(), work.get());
  }
  return d;
}

bool temp_root::remove(const fs::path& p) const {
  const auto parts = components_inside(root_, p);
  if (!parts) return false;
  const unique_fd parent = open_parent(root_fd_, *parts);
  dirfd::removal_report left;
  if (!parent && errno == EXDEV) left.add("a folder on the way is a mount point");
  if (!parent && errno != EXDEV) return errno == ENOENT;
  if (parent && remove_entry(parent.get(), parts->back().c_str(), &left)) return true;
  warn_left(p, left);
  return false;
}

bool temp_root::recycle(const fs::path& run_dir) const {
  const auto parts = components_inside(root_, run_dir);
  if (!parts || parts->size() != 1 || !spares_->can_recycle()) return remove(run_dir);
  make_accessible(root_fd_);
  dirfd::removal_report left;
  switch (spares_->park(parts->front(), &left)) {
    case spare_folders::parked::yes:
    case spare_folders::parked::removed: return true;
    case spare_folders::parked::left: warn_left(run_dir, left); return false;
    case spare_folders::parked::not_a_spare: break;
  }
  return remove(run_dir);
}

void temp_root::remove_if_empty() const {
  spares_->drop_all();
  make_accessible(root_fd_);
  const auto entries = list(root_fd_);
  if (!entries || !entries->empty()) return;
  // Only if the name still means our root: a target may have put something else there.
  struct stat at_name {};
  if (::fstatat(parent_fd_, name_.c_str(), &at_name, AT_SYMLINK_NOFOLLOW) != 0) return;
  if (same_file(at_name, stat_of(root_fd_))) {
    ::unlinkat(parent_fd_, name_.c_str(), AT_REMOVEDIR);
  } else {
    fmt::print(stderr,
               "crashpoint: warning: left {}: that name now leads to another folder "
               "(a target moved, replaced or mounted over it)\n",
               root_.string());
  }
}

bool temp_root::write_file(const fs::path& file, std::string_view text) const {
  const auto parts = components_inside(root_, file);
  if (!parts) return false;
  const unique_fd parent = open_parent(root_fd_, *parts);
  if (!parent) return false;
  const char* last = parts->back().c_str();
  if (::unlinkat(parent.get(), last, 0) != 0 && errno != ENOENT) return false;
  const unique_fd out(
      ::openat(parent.get(), last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
  if (!out) return false;
  while (!text.empty()) {
    const ssize_t n = ::write(out.get(), text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool temp_root::copy_folder(const fs::path& from, const fs::path& to, std::string& error) const {
  const auto from_parts = components_inside(root_, from), to_parts = components_inside(root_, to);
  if (!from_parts || !to_parts) {
    error = "not inside the temporary root " + root_.string();
    return false;
  }
  const unique_fd from_parent = open_parent(root_fd_, *from_parts),
                  to_parent = open_parent(root_fd_, *to_parts);
  // The source is opened as it is, never made accessible: its mode is part of the state copied.
  const unique_fd source(from_parent ? ::openat(from_parent.get(), from_parts->back().c_str(),
                                                O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                                     : -1);
  const unique_fd target = to_parent ? open_dir(to_parent.get(), to_parts->back().c_str()) : unique_fd();
  if (!source || !target) {
    error = "cannot open " + (source ? to : from).string() + ": " + std::strerror(errno);
    return false;
  }
  return dirfd::copy_below(source.get(), target.get(), error);
}

unique_fd temp_root::open_for_reading(const fs::path& file) const {
  const auto parts = components_inside(root_, file);
  if (!parts) {
    errno = EPERM;
    return {};
  }
  const unique_fd parent = open_parent(root_fd_, *parts);
  if (!parent) return {};
  return unique_fd(::openat(parent.get(), parts->back().c_str(),
                            O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC));
}

void copy_fixture(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

}  // namespace crashpoint::harness
