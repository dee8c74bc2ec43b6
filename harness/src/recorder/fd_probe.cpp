// SPDX-License-Identifier: Apache-2.0
// fd_probe.cpp: descriptor facts through pidfd_getfd or /proc (see fd_probe.hpp).
#include "recorder/fd_probe.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "recorder/path_resolver.hpp"

namespace crashpoint::recorder {

namespace {

constexpr unsigned pidfd_thread = O_EXCL;       // PIDFD_THREAD (Linux 6.9), absent from older headers
constexpr std::size_t max_cached_pidfds = 256;  // far below the default 1024 descriptors
constexpr std::size_t max_cached_paths = 4096;

// "pos:\t123\nflags:\t0100001\n..." -> the number after `key`.
std::optional<std::uint64_t> fdinfo_field(std::string_view text, std::string_view key, int base) {
  const std::size_t at = text.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  std::size_t i = at + key.size();
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value, base);
  if (ec != std::errc{}) return std::nullopt;
  (void)ptr;
  return value;
}

}  // namespace

fd_prober::~fd_prober() {
  for (const auto& [tid, pidfd] : pidfds_) ::close(pidfd);
}

void fd_prober::thread_gone(pid_t tid) {
  if (const auto it = pidfds_.find(tid); it != pidfds_.end()) {
    ::close(it->second);
    pidfds_.erase(it);
  }
}

int fd_prober::pidfd_for(pid_t tid, pid_t tgid) {
  if (const auto it = pidfds_.find(tid); it != pidfds_.end()) return it->second;
  if (pidfds_.size() >= max_cached_pidfds) {
    for (const auto& [t, pidfd] : pidfds_) ::close(pidfd);
    pidfds_.clear();
  }
  int pidfd = -1;
  if (thread_pidfds_) {
    pidfd = static_cast<int>(::syscall(SYS_pidfd_open, tid, tid == tgid ? 0u : pidfd_thread));
    if (pidfd < 0 && errno == EINVAL && tid != tgid) thread_pidfds_ = false;
  }
  // Without thread pidfds, the process's table (threads share it unless one
  // unshared it; facts() falls back to /proc if the leader has gone).
  if (pidfd < 0 && !thread_pidfds_) pidfd = static_cast<int>(::syscall(SYS_pidfd_open, tgid, 0u));
  if (pidfd >= 0) pidfds_.emplace(tid, pidfd);
  return pidfd;
}

std::string fd_prober::path_of(int our_fd, dev_t dev, ino_t ino) {
  const file_key key{dev, ino};
  if (const auto it = paths_.find(key); it != paths_.end()) {
    // Renamed, deleted, or its inode now another file's: ask the kernel again.
    struct stat st {};
    if (::lstat(it->second.c_str(), &st) == 0 && st.st_dev == dev && st.st_ino == ino) return it->second;
    paths_.erase(it);
  }
  std::string path = read_link(fmt::format("/proc/self/fd/{}", our_fd)).value_or("");
  if (paths_.size() >= max_cached_paths) paths_.clear();
  paths_.emplace(key, path);
  return path;
}

std::optional<fd_facts> fd_prober::facts(pid_t tid, pid_t tgid, int fd, bool want_pos) {
  if (fd < 0) return std::nullopt;
  const int pidfd = getfd_works_ ? pidfd_for(tid, tgid) : -1;
  if (pidfd < 0) return facts_from_proc(tid, fd, want_pos);
  const int ours = static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd, fd, 0u));
  if (ours < 0) {
    if (errno == ENOSYS) getfd_works_ = false;
    // EBADF: not open in that thread, unless we asked the process's table for
    // a thread's descriptor (no thread pidfds) and the leader has gone.
    if (errno == EBADF && (thread_pidfds_ || tid == tgid)) return std::nullopt;
    return facts_from_proc(tid, fd, want_pos);
  }
  fd_facts f;
  struct stat st {};
  bool ok = ::fstat(ours, &st) == 0;
  if (ok) {
    f.dev = st.st_dev;
    f.ino = st.st_ino;
    f.mode = st.st_mode;
    f.size = static_cast<std::uint64_t>(st.st_size);
    if (f.regular() || f.directory()) {  // nothing else is ever modelled: stop here for pipes and sockets
      f.status_flags = ::fcntl(ours, F_GETFL);
      if (want_pos) {
        const off_t pos = ::lseek(ours, 0, SEEK_CUR);
        if (pos >= 0) f.pos = static_cast<std::uint64_t>(pos);
      }
      f.path = path_of(ours, st.st_dev, st.st_ino);
    }
  }
  ::close(ours);
  if (!ok) return std::nullopt;
  return f;
}

std::optional<fd_facts> fd_prober::facts_from_proc(pid_t tid, int fd, bool want_pos) {
  const std::string link = fmt::format("/proc/{}/fd/{}", tid, fd);
  struct stat st {};
  if (::stat(link.c_str(), &st) != 0) return std::nullopt;
  fd_facts f;
  f.dev = st.st_dev;
  f.ino = st.st_ino;
  f.mode = st.st_mode;
  f.size = static_cast<std::uint64_t>(st.st_size);
  f.path = read_link(link).value_or("");
  const int info = ::open(fmt::format("/proc/{}/fdinfo/{}", tid, fd).c_str(), O_RDONLY | O_CLOEXEC);
  if (info >= 0) {
    char buf[512];
    const ssize_t n = ::read(info, buf, sizeof buf);
    ::close(info);
    const std::string_view text(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    f.status_flags = static_cast<int>(fdinfo_field(text, "flags:", 8).value_or(0));
    if (want_pos) f.pos = fdinfo_field(text, "pos:", 10);
  }
  return f;
}

int fd_prober::reopen_for_reading(pid_t tid, int fd) {
  return ::open(fmt::format("/proc/{}/fd/{}", tid, fd).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
}

}  // namespace crashpoint::recorder
