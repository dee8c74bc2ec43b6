// SPDX-License-Identifier: Apache-2.0
// orphan_reaper.cpp: finding this process's children in /proc, and ending the
// orphans among them (see orphan_reaper.hpp).
//
// The children are listed from /proc/self/task/*/children when the kernel has
// it (CONFIG_PROC_CHILDREN), else by reading the parent pid of every process
// in /proc. Each child is identified by its /proc/PID/stat line. A child that
// has not been reaped keeps its pid, so killing and waiting for a pid listed
// as our child can never hit a stranger.
#include "process/orphan_reaper.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace crashpoint::harness {
namespace {

struct proc_entry {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgid = 0;
};

// The whole (small) content of a /proc file, or "" if it cannot be read.
std::string read_small_file(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

template <typename Int>
bool parse_int(std::string_view text, Int& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Parses /proc/PID/stat: "pid (comm) state ppid pgrp session ...".
// comm may hold spaces and parentheses, so fields are counted after the last ')'.
std::optional<proc_entry> read_stat(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  const std::string text = read_small_file(path.c_str());
  const auto paren = text.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::string_view rest = std::string_view(text).substr(paren + 1);
  // Fields from 3 (state) on: state, ppid, pgrp.
  std::string_view fields[3];
  for (std::string_view& f : fields) {
    const auto start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(start);
    const auto end = std::min(rest.find(' '), rest.size());
    f = rest.substr(0, end);
    rest.remove_prefix(end);
  }
  proc_entry e;
  e.pid = pid;
  if (!parse_int(fields[1], e.ppid) || !parse_int(fields[2], e.pgid)) return std::nullopt;
  return e;
}

std::vector<pid_t> pids_in(std::string_view text) {
  std::vector<pid_t> out;
  while (!text.empty()) {
    const auto start = text.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    const auto end = std::min(text.find_first_of(" \n"), text.size());
    pid_t pid = 0;
    if (parse_int(text.substr(0, end), pid) && pid > 0) out.push_back(pid);
    text.remove_prefix(end);
  }
  return out;
}

// Calls f(name) for each entry of a /proc directory whose name is a number.
template <typename F>
bool for_each_numeric_entry(const char* dir_path, F f) {
  DIR* dir = ::opendir(dir_path);
  if (dir == nullptr) return false;
  while (const dirent* e = ::readdir(dir)) {
    pid_t id = 0;
    if (parse_int(std::string_view(e->d_name), id) && id > 0) f(id);
  }
  ::closedir(dir);
  return true;
}

// Whether the kernel lists each thread's children (CONFIG_PROC_CHILDREN).
bool have_children_files() {
  static const bool have =
      ::access(("/proc/self/task/" + std::to_string(::getpid()) + "/children").c_str(), R_OK) == 0;
  return have;
}

// /proc/self/task and each thread's `children` file, opened once per process
// and read again for each sweep (pread at 0 makes a seq_file start over). The
// sweep follows every command: resolving /proc/self and each path anew made
// it a tenth of the harness's CPU per command.
class task_files {
 public:
  static task_files& get() {
    static task_files files;
    return files;
  }

  // The children of every thread, or nothing if /proc cannot be read.
  std::optional<std::vector<pid_t>> children() {
    std::lock_guard lock(mutex_);
    if (pid_ != ::getpid()) reopen();  // a forked copy of this process has its own
    std::map<pid_t, int> seen;
    const bool listed = list_threads(seen);
    for (const auto& [tid, fd] : children_fds_)
      if (fd >= 0) ::close(fd);  // not listed: the thread has ended
    children_fds_.clear();
    if (!listed) {
      for (const auto& [tid, fd] : seen) ::close(fd);
      return std::nullopt;
    }
    children_fds_ = std::move(seen);
    std::vector<pid_t> out;
    for (const auto& [tid, fd] : children_fds_) {
      for (pid_t pid : pids_in(pread_all(fd))) out.push_back(pid);
    }
    return out;
  }

 private:
  // Each listed thread with its `children` descriptor (kept, or opened now).
  bool list_threads(std::map<pid_t, int>& out) {
    if (dir_fd_ < 0 || ::lseek(dir_fd_, 0, SEEK_SET) != 0) return false;
    char buf[4096];
    for (;;) {
      const ssize_t n = ::getdents64(dir_fd_, buf, sizeof buf);
      if (n <= 0) return n == 0;
      for (ssize_t at = 0; at < n;) {
        const auto* e = reinterpret_cast<const dirent64*>(buf + at);
        at += e->d_reclen;
        pid_t tid = 0;
        if (!parse_int(std::string_view(e->d_name), tid) || tid <= 0) continue;
        if (auto kept = children_fds_.find(tid); kept != children_fds_.end()) {
          out.emplace(tid, std::exchange(kept->second, -1));
        } else {
          const std::string path = std::string(e->d_name) + "/children";
          const int fd = ::openat(dir_fd_, path.c_str(), O_RDONLY | O_CLOEXEC);
          if (fd >= 0) out.emplace(tid, fd);
        }
      }
    }
  }

  static std::string pread_all(int fd) {
    std::string text;
    char buf[4096];
    for (off_t at = 0;;) {
      const ssize_t n = ::pread(fd, buf, sizeof buf, at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return text;
      text.append(buf, static_cast<std::size_t>(n));
      at += n;
    }
  }

  void reopen() {
    if (dir_fd_ >= 0) ::close(dir_fd_);
    for (const auto& [tid, fd] : children_fds_) ::close(fd);
    children_fds_.clear();
    dir_fd_ = ::open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    pid_ = ::getpid();
  }

  std::mutex mutex_;
  int dir_fd_ = -1;
  pid_t pid_ = 0;
  std::map<pid_t, int> children_fds_;  // -1: moved to the new listing
};

std::vector<pid_t> children_from_task_files() {
  return task_files::get().children().value_or(std::vector<pid_t>{});
}

std::vector<pid_t> children_from_proc_scan() {
  const pid_t self = ::getpid();
  std::vector<pid_t> out;
  for_each_numeric_entry("/proc", [&](pid_t pid) {
    if (auto e = read_stat(pid); e && e->ppid == self) out.push_back(pid);
  });
  return out;
}

// This process's children other than `skip` (commands still running, whose
// /proc entries need not be read), with their /proc/PID/stat.
template <typename Skip>
std::vector<proc_entry> children_of_this_process(Skip skip) {
  const pid_t self = ::getpid();
  std::vector<proc_entry> out;
  for (pid_t pid : list_children()) {
    if (skip(pid)) continue;
    if (auto e = read_stat(pid); e && e->ppid == self) out.push_back(*e);
  }
  return out;
}

bool reap(pid_t pid) {
  for (;;) {
    const pid_t r = ::waitpid(pid, nullptr, __WALL);
    if (r == pid) return true;
    if (r < 0 && errno == EINTR) continue;
    return false;
  }
}

}  // namespace

std::vector<pid_t> list_children(children_source from) {
  if (from == children_source::automatic) {
    from = have_children_files() ? children_source::task_files : children_source::proc_scan;
  }
  return from == children_source::task_files ? children_from_task_files() : children_from_proc_scan();
}

bool become_subreaper() {
  static const bool ok = ::prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) == 0;
  return ok;
}

std::size_t kill_orphans(const std::vector<pid_t>& running) {
  const pid_t own_group = ::getpgrp();
  const auto is_running = [&](pid_t pid) {
    return std::find(running.begin(), running.end(), pid) != running.end();
  };
  std::size_t killed = 0;
  for (;;) {
    std::vector<pid_t> victims;
    for (const proc_entry& child : children_of_this_process(is_running)) {
      if (child.pgid != own_group) victims.push_back(child.pid);
    }
    if (victims.empty()) break;
    for (pid_t pid : victims) ::kill(pid, SIGKILL);
    std::size_t reaped = 0;
    for (pid_t pid : victims) reaped += reap(pid) ? 1U : 0U;
    killed += reaped;
    if (reaped == 0) break;  // nothing we could reap: do not spin
  }
  return killed;
}

}  // namespace crashpoint::harness
