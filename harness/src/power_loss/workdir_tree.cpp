// SPDX-License-Identifier: Apache-2.0
// workdir_tree.cpp: openat-relative changes inside one tree (see workdir_tree.hpp).
#include "power_loss/workdir_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace crashpoint::power_loss {

void throw_rebuild_error(const std::string& what, int error) {
  throw rebuild_error(fmt::format("{}: {}", what, std::strerror(error)));
}

namespace {

constexpr int max_depth = 256;

std::vector<std::string> components(const std::string& name) {
  if (name.empty() || name.front() == '/')
    throw rebuild_error(fmt::format("\"{}\": not a path inside the tree", name));
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t slash = std::min(name.find('/', start), name.size());
    std::string part = name.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") {
      throw rebuild_error(
          fmt::format("\"{}\": not a path inside the tree (an empty, \".\" or \"..\" component)", name));
    }
    out.push_back(std::move(part));
    start = slash + 1;
  }
  return out;
}

}  // namespace

unique_fd& unique_fd::operator=(unique_fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

unique_fd::~unique_fd() {
  if (fd_ >= 0) ::close(fd_);
}

workdir_tree::workdir_tree(const std::filesystem::path& root) : root_(root) {
  dir_ = unique_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_) throw_rebuild_error(root.string(), errno);
}

std::pair<unique_fd, std::string> workdir_tree::parent(const std::string& name) const {
  std::vector<std::string> parts = components(name);
  std::string leaf = std::move(parts.back());
  parts.pop_back();
  unique_fd at(::dup(dir_.get()));
  for (const std::string& part : parts) {
    unique_fd next(::openat(at.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next) return {unique_fd(), leaf};
    at = std::move(next);
  }
  return {std::move(at), leaf};
}

std::optional<struct stat> workdir_tree::lstat(const std::string& name) const {
  const auto [dir, leaf] = parent(name);
  struct stat st {};
  if (!dir || ::fstatat(dir.get(), leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return std::nullopt;
  return st;
}

void workdir_tree::unlink(const std::string& name) const {
  const auto [dir, leaf] = parent(name);
  if (!dir) return;  // its directory is gone already
  if (::unlinkat(dir.get(), leaf.c_str(), 0) != 0 && errno != ENOENT)
    throw_rebuild_error(fmt::format("unlink \"{}\"", name), errno);
}

void empty_directory(int dir, const std::string& shown_as, int depth) {
  if (depth > max_depth)
    throw rebuild_error(fmt::format("\"{}\": nested deeper than {} levels", shown_as, max_depth));
  const int copy = ::dup(dir);
  DIR* d = copy >= 0 ? ::fdopendir(copy) : nullptr;
  if (d == nullptr) {
    if (copy >= 0) ::close(copy);
    throw_rebuild_error(fmt::format("read \"{}\"", shown_as), errno);
  }
  std::vector<std::pair<std::string, bool>> entries;
  while (const dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    entries.emplace_back(n, e->d_type == DT_DIR);
  }
  ::closedir(d);
  for (const auto& [n, is_dir] : entries) {
    if (::unlinkat(dir, n.c_str(), 0) == 0 || errno == ENOENT) continue;
    if (errno != EISDIR && errno != EPERM && !is_dir)
      throw_rebuild_error(fmt::format("unlink \"{}/{}\"", shown_as, n), errno);
    unique_fd sub(::openat(dir, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) throw_rebuild_error(fmt::format("open \"{}/{}\"", shown_as, n), errno);
    empty_directory(sub.get(), shown_as + "/" + n, depth + 1);
    if (::unlinkat(dir, n.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
      throw_rebuild_error(fmt::format("rmdir \"{}/{}\"", shown_as, n), errno);
    }
  }
}

void workdir_tree::remove_tree(const std::string& name) const {
  const auto [dir, leaf] = parent(name);
  if (!dir) return;
  unique_fd sub(::openat(dir.get(), leaf.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!sub) {
    if (errno == ENOENT) return;
    throw_rebuild_error(fmt::format("open \"{}\"", name), errno);
  }
  empty_directory(sub.get(), name);
  if (::unlinkat(dir.get(), leaf.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
    throw_rebuild_error(fmt::format("rmdir \"{}\"", name), errno);
}

bool workdir_tree::mkdir(const std::string& name, mode_t mode) const {
  const auto [dir, leaf] = parent(name);
  if (!dir) return false;
  if (::mkdirat(dir.get(), leaf.c_str(), mode) != 0 && errno != EEXIST)
    throw_rebuild_error(fmt::format("mkdir \"{}\"", name), errno);
  return true;
}

bool workdir_tree::link(int from_dir, const std::string& from_name, const std::string& name) const {
  const auto [dir, leaf] = parent(name);
  if (!dir) return false;
  if (::linkat(from_dir, from_name.c_str(), dir.get(), leaf.c_str(), 0) != 0)
    throw_rebuild_error(fmt::format("link \"{}\"", name), errno);
  return true;
}

bool workdir_tree::symlink(const std::string& target, const std::string& name) const {
  const auto [dir, leaf] = parent(name);
  if (!dir) return false;
  if (::symlinkat(target.c_str(), dir.get(), leaf.c_str()) != 0)
    throw_rebuild_error(fmt::format("symlink \"{}\"", name), errno);
  return true;
}

void workdir_tree::link_out(const std::string& name, int to_dir, const std::string& to_name) const {
  const auto [dir, leaf] = parent(name);
  if (!dir || ::linkat(dir.get(), leaf.c_str(), to_dir, to_name.c_str(), 0) != 0) {
    throw_rebuild_error(fmt::format("link \"{}\" into the staging folder", name), dir ? errno : ENOENT);
  }
}

unique_fd workdir_tree::open_file(const std::string& name, int flags) const {
  const auto [dir, leaf] = parent(name);
  if (!dir) throw_rebuild_error(fmt::format("open \"{}\"", name), ENOENT);
  unique_fd f(::openat(dir.get(), leaf.c_str(), flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!f) throw_rebuild_error(fmt::format("open \"{}\"", name), errno);
  return f;
}

}  // namespace crashpoint::power_loss
