// SPDX-License-Identifier: Apache-2.0
// path_resolver.cpp: resolving traced paths (see path_resolver.hpp).
#include "recorder/path_resolver.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <system_error>
#include <vector>

#include <fmt/format.h>

namespace crashpoint::recorder {

namespace {

class scoped_fd {
 public:
  explicit scoped_fd(int fd) : fd_(fd) {}
  ~scoped_fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  scoped_fd(const scoped_fd&) = delete;
  scoped_fd& operator=(const scoped_fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// The canonical path of what `path` names, following every link.
std::optional<std::string> canonical(const std::string& path, int extra_flags) {
  const scoped_fd fd(::open(path.c_str(), O_PATH | O_CLOEXEC | extra_flags));
  if (fd.get() < 0) return std::nullopt;
  return read_link(fmt::format("/proc/self/fd/{}", fd.get()));
}

// Rewrites the magic links that name "the calling process", which would name
// the recorder when the recorder resolves them.
std::string rewrite_self(std::string_view path, pid_t tid, pid_t tgid) {
  struct prefix {
    std::string_view from;
    std::string to;
  };
  const prefix prefixes[] = {
      {"/proc/self/", fmt::format("/proc/{}/", tgid)},
      {"/proc/thread-self/", fmt::format("/proc/{}/task/{}/", tgid, tid)},
      {"/dev/fd/", fmt::format("/proc/{}/fd/", tid)},
  };
  for (const prefix& p : prefixes) {
    if (path.starts_with(p.from)) return p.to + std::string(path.substr(p.from.size()));
  }
  if (path == "/proc/self") return fmt::format("/proc/{}", tgid);
  for (const auto& [name, fd] :
       {std::pair{"/dev/stdin", 0}, std::pair{"/dev/stdout", 1}, std::pair{"/dev/stderr", 2}}) {
    if (path == name) return fmt::format("/proc/{}/fd/{}", tid, fd);
  }
  return std::string(path);
}

// The base a relative path starts from, as a path the recorder can open.
std::string base_of(pid_t tid, int dirfd) {
  if (dirfd == AT_FDCWD) return fmt::format("/proc/{}/cwd", tid);
  return fmt::format("/proc/{}/fd/{}", tid, dirfd);
}

// Splits "a/b/c/" into {"a/b", "c"}; the directory part is empty for "c".
std::pair<std::string_view, std::string_view> split_last(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {{}, path};
  if (slash == 0) return {path.substr(0, 1), path.substr(1)};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

std::string join(const std::string& dir, std::string_view name) {
  if (dir == "/") return "/" + std::string(name);
  return dir + "/" + std::string(name);
}

// Lexical resolution, for a directory that does not exist: the call will fail.
std::optional<std::string> lexical(std::string_view path, pid_t tid, int dirfd) {
  if (path.starts_with('/')) return normalize_lexically(path);
  const auto base = read_link(base_of(tid, dirfd));
  if (!base || !base->starts_with('/')) return std::nullopt;
  return normalize_lexically(*base + "/" + std::string(path));
}

}  // namespace

root_dir root_dir::open(const std::string& path) {
  const auto real = canonical(path, O_DIRECTORY);
  struct stat st {};
  if (!real || ::stat(real->c_str(), &st) != 0) {
    throw std::system_error(errno, std::generic_category(), path);
  }
  root_dir r;
  r.path_ = *real;
  r.dev_ = st.st_dev;
  return r;
}

std::optional<std::string> root_dir::relative(std::string_view abs) const {
  if (abs == path_) return ".";
  if (path_ == "/")
    return abs.starts_with('/') && abs.size() > 1 ? std::optional(std::string(abs.substr(1))) : std::nullopt;
  if (abs.size() > path_.size() && abs.starts_with(path_) && abs[path_.size()] == '/') {
    return std::string(abs.substr(path_.size() + 1));
  }
  return std::nullopt;
}

std::string root_dir::display(std::string_view abs) const {
  if (auto rel = relative(abs)) return *rel;
  return std::string(abs);
}

bool root_dir::holds_entry(std::string_view abs) const {
  const auto rel = relative(abs);
  return rel && *rel != ".";
}

std::string reachable_path(pid_t tid, pid_t tgid, int dirfd, std::string_view raw) {
  const std::string path = rewrite_self(raw, tid, tgid);
  return path.starts_with('/') ? path : base_of(tid, dirfd) + "/" + path;
}

std::optional<std::string> resolve_path(pid_t tid, pid_t tgid, int dirfd, std::string_view raw,
                                        resolve_mode mode) {
  if (raw.empty()) return std::nullopt;
  const std::string path = rewrite_self(raw, tid, tgid);
  const bool absolute = path.starts_with('/');
  const std::string full = reachable_path(tid, tgid, dirfd, raw);

  if (mode == resolve_mode::follow) {
    if (auto real = canonical(full, 0)) return real;
  }
  const auto [dir, name] = split_last(path);
  if (name.empty() || name == "." || name == ".." || (absolute && dir.empty())) {
    // "/", "a/.", "..": the path names a directory itself, never a new entry.
    if (auto real = canonical(full, 0)) return real;
    return lexical(path, tid, dirfd);
  }
  std::string dir_path;
  if (dir.empty())
    dir_path = base_of(tid, dirfd);
  else if (absolute)
    dir_path = std::string(dir);
  else
    dir_path = base_of(tid, dirfd) + "/" + std::string(dir);
  // The thread's cwd or directory descriptor itself: one readlink, no open.
  const auto real_dir = dir.empty() ? read_link(dir_path) : canonical(dir_path, O_DIRECTORY);
  if (real_dir && real_dir->starts_with('/')) return join(*real_dir, name);
  return lexical(path, tid, dirfd);
}

std::string normalize_lexically(std::string_view abs) {
  std::vector<std::string_view> parts;
  while (!abs.empty()) {
    const std::size_t slash = abs.find('/');
    const std::string_view part = abs.substr(0, slash);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (slash == std::string_view::npos) break;
    abs.remove_prefix(slash + 1);
  }
  std::string out;
  for (const std::string_view p : parts) {
    out += '/';
    out += p;
  }
  return out.empty() ? "/" : out;
}

std::optional<std::string> read_link(const std::string& path) {
  std::string buf(PATH_MAX, '\0');
  const ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
  if (n < 0 || static_cast<std::size_t>(n) >= buf.size()) return std::nullopt;
  buf.resize(static_cast<std::size_t>(n));
  return buf;
}

}  // namespace crashpoint::recorder
