// SPDX-License-Identifier: Apache-2.0
// hostile_support.hpp: running the real crashpoint on hostile targets, and
// checking afterwards that nothing they started is still alive.
//
//   hostile_suite s(hostile_target("hostile_setsid"));
//   s.add("leave.toml", crash_at_point("[\"{target}\"]"));
//   const observed_run r = s.observe({"run", "."});
//   CHECK(exited_with(r.result, 0));
//   CHECK(r.leaked.empty());          // nothing outlived the harness
//   CHECK(s.all_recorded_gone());     // every pid the fixtures recorded is gone
//
// The harness runs under tests/fixtures/hostile_observer, a child subreaper:
// whatever the harness leaves running is re-parented to the observer when the
// harness exits, listed in its report, then killed. (The test process cannot
// see such leftovers itself: run_command's own orphan reaping would end them.)
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "suite_builder.hpp"

namespace crashpoint::test {

inline fs::path hostile_target(const std::string& name) {
  return name.ends_with(".sh") ? shell_fixture(name) : fixture(name);
}

// A scenario whose crash command `command` (a TOML array) must crash at
// hostile_point; `more` is appended.
inline std::string crash_at_point(const std::string& command, const std::string& more = "") {
  return "checkpoints = [\"hostile_point\"]\n[crash]\ncommand = " + command + "\n" + more;
}

struct observed_run {
  harness::command_result result;  // the observer's, which ends as the harness did
  long maxrss_kb = -1;             // the harness's peak resident set
  std::vector<pid_t> leaked;       // processes that outlived the harness
};

// The most a harness may hold at its peak (KiB) for a bound of `kib` in the
// plain build. Sanitizer builds (scripts/test-sanitizers) keep freed blocks in
// quarantine (ASan: 256 MiB) and shadow every byte (TSan: several times over),
// so there the bound only catches the gross cases; scripts/test checks it.
inline long rss_bound_kib(long kib) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return 2 * kib + 320 * 1024;
#else
  return kib;
#endif
}

inline std::vector<pid_t> pids_in(const std::string& text) {
  std::vector<pid_t> out;
  std::istringstream in(text);
  for (long pid = 0; in >> pid;) out.push_back(static_cast<pid_t>(pid));
  return out;
}

// Gone: no such process any more (not even a zombie nobody reaped).
inline bool is_gone(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

// The parent of a process (from /proc/PID/stat), or -1. A command's parent is
// the harness's shepherd for it, whose parent is the harness.
inline pid_t parent_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string stat{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(paren + 1));
  std::string state;
  long ppid = -1;
  fields >> state >> ppid;
  return static_cast<pid_t>(ppid);
}

// Gives the owner rwx back on every folder below `dir`, so that a test can
// remove what a target chmodded.
inline void make_removable(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return;
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ec);
  for (const auto& e : fs::directory_iterator(dir, ec)) make_removable(e.path());
}

// The folders named crashpoint-* in `dir`.
inline std::vector<fs::path> crashpoint_roots(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().starts_with("crashpoint-")) out.push_back(e.path());
  }
  return out;
}

class hostile_suite : public e2e_suite {
 public:
  explicit hostile_suite(const fs::path& target, const std::string& more = "")
      : e2e_suite(suite_toml(target, more)) {}
  ~hostile_suite() { make_removable(area()); }
  hostile_suite(const hostile_suite&) = delete;
  hostile_suite& operator=(const hostile_suite&) = delete;

  // The test's own folder around suite/, tmp/ and home/: outside the harness's
  // temporary root and outside the suite.
  fs::path area() const { return suite_dir().parent_path(); }
  fs::path pid_file() const { return area() / "pids"; }  // HOSTILE_PIDS

  // Runs `crashpoint args...` from the suite folder under the observer, with
  // TMPDIR, HOME and HOSTILE_PIDS set, plus `env`.
  observed_run observe(std::vector<std::string> args, env_vars env = {}) const {
    const fs::path report = area() / "observer-report";
    env.emplace("TMPDIR", harness_tmp().string());
    env.emplace("HOME", harness_home().string());
    env.emplace("HOSTILE_PIDS", pid_file().string());
    args.insert(args.begin(), {report.string(), crashpoint_exe().string()});
    observed_run r;
    r.result = spawn(fixture("hostile_observer"), std::move(args), std::move(env), suite_dir());
    std::istringstream in(read_file(report));
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("maxrss_kb ")) r.maxrss_kb = std::stol(line.substr(10));
      if (line.starts_with("leaked")) r.leaked = pids_in(line.substr(6));
    }
    return r;
  }

  std::vector<pid_t> recorded_pids() const { return pids_in(read_file(pid_file())); }

  // The recorded pids that are still alive.
  std::vector<pid_t> recorded_alive() const {
    std::vector<pid_t> out;
    for (pid_t pid : recorded_pids()) {
      if (!is_gone(pid)) out.push_back(pid);
    }
    return out;
  }
};

// A FIFO fixtures write into once they run (HOSTILE_READY). The test holds
// both ends open, so a fixture's open never blocks and the reader never sees
// EOF between one writer and the next.
class ready_fifo {
 public:
  explicit ready_fifo(fs::path path) : path_(std::move(path)) {
    if (::mkfifo(path_.c_str(), 0600) != 0) return;
    read_fd_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    write_fd_ = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  }
  ~ready_fifo() {
    if (read_fd_ >= 0) ::close(read_fd_);
    if (write_fd_ >= 0) ::close(write_fd_);
  }
  ready_fifo(const ready_fifo&) = delete;
  ready_fifo& operator=(const ready_fifo&) = delete;

  const fs::path& path() const { return path_; }

  // The first `count` numbers written, one per line, once they have been:
  // each within 10 s, a safety net for a broken harness rather than a timing
  // assumption. Fewer if that expired.
  std::vector<long> wait_for_numbers(std::size_t count) {
    std::vector<long> out;
    while (read_fd_ >= 0 && write_fd_ >= 0 && out.size() < count) {
      const auto eol = pending_.find('\n');
      if (eol != std::string::npos) {
        out.push_back(std::stol(pending_.substr(0, eol)));
        pending_.erase(0, eol + 1);
        continue;
      }
      pollfd p{read_fd_, POLLIN, 0};
      if (::poll(&p, 1, 10'000) != 1) break;
      char buf[64];
      const ssize_t n = ::read(read_fd_, buf, sizeof buf);
      if (n > 0) pending_.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  fs::path path_;
  int read_fd_ = -1, write_fd_ = -1;
  std::string pending_;
};

}  // namespace crashpoint::test
