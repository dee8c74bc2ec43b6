// SPDX-License-Identifier: Apache-2.0
// launcher.cpp: fork, seize, filter, exec (see launcher.hpp).
#include "recorder/launcher.hpp"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "util/path_search.hpp"

extern char** environ;

namespace crashpoint::recorder {

namespace {

constexpr long trace_options = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
                               PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
                               PTRACE_O_EXITKILL;

// In the child between fork and execve: raw system calls only.
[[noreturn]] void child_main(int release_fd, int error_fd, const char* program, char* const* argv,
                             const sock_fprog* filter) {
  char byte = 0;
  ssize_t n = 0;
  do n = ::read(release_fd, &byte, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) ::_exit(125);  // the recorder died or gave up before tracing us

  // The recorder ignores SIGPIPE; the command gets the default back.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &dfl, nullptr);

  launch_error failed;
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    failed = {launch_error::step::no_new_privs, errno};
  } else if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, filter) != 0 &&
             ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, filter) != 0) {
    failed = {launch_error::step::seccomp, errno};
  } else {
    ::execve(program, argv, environ);
    failed = {launch_error::step::exec, errno};
  }
  [[maybe_unused]] const ssize_t w = ::write(error_fd, &failed, sizeof failed);
  ::_exit(failed.error == ENOENT ? 127 : 126);
}

}  // namespace

launched::~launched() {
  if (error_fd_ >= 0) ::close(error_fd_);
}

launch_error launched::error() const {
  launch_error e;
  const ssize_t n = ::read(error_fd_, &e, sizeof e);
  if (n != static_cast<ssize_t>(sizeof e)) return {};
  return e;
}

launched launch(const std::string& program, const std::vector<std::string>& argv,
                const std::vector<sock_filter>& filter) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const sock_fprog prog{static_cast<unsigned short>(filter.size()), const_cast<sock_filter*>(filter.data())};

  int release[2], report[2];
  if (::pipe2(release, O_CLOEXEC) != 0) throw record_failure(fmt::format("pipe: {}", std::strerror(errno)));
  if (::pipe2(report, O_CLOEXEC | O_NONBLOCK) != 0) {
    ::close(release[0]);
    ::close(release[1]);
    throw record_failure(fmt::format("pipe: {}", std::strerror(errno)));
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(release[1]);
    ::close(report[0]);
    child_main(release[0], report[1], program.c_str(), args.data(), &prog);
  }
  const int fork_error = errno;
  ::close(release[0]);
  ::close(report[1]);
  if (pid < 0) {
    ::close(release[1]);
    ::close(report[0]);
    throw record_failure(fmt::format("fork: {}", std::strerror(fork_error)));
  }
  launched child(pid, report[0]);
  if (::ptrace(PTRACE_SEIZE, pid, nullptr, reinterpret_cast<void*>(trace_options)) != 0) {
    const int err = errno;
    ::close(release[1]);  // the child reads end-of-file and exits
    ::waitpid(pid, nullptr, 0);
    throw record_failure(
        fmt::format("cannot trace the command: ptrace(PTRACE_SEIZE): {}{}", std::strerror(err),
                    err == EPERM ? " (ptrace may be restricted here: see kernel.yama.ptrace_scope, "
                                   "or a container's seccomp profile)"
                                 : ""));
  }
  const char go = 1;
  [[maybe_unused]] const ssize_t w = ::write(release[1], &go, 1);
  ::close(release[1]);
  return child;
}

std::optional<std::string> find_program(const std::string& name, int& error) {
  error = 0;
  if (name.empty()) {
    error = ENOENT;
    return std::nullopt;
  }
  if (name.find('/') != std::string::npos) return name;
  const char* path_env = std::getenv("PATH");
  std::string_view path = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  error = ENOENT;
  std::string candidate;
  const bool found = harness::for_each_path_dir(path, [&](std::string_view dir) {
    // An empty entry is the current directory. (Built by appending: GCC 12
    // warns wrongly about std::string operator+ here, -Wrestrict.)
    candidate = dir.empty() ? std::string_view{"."} : dir;
    candidate += '/';
    candidate += name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    error = EACCES;
    return false;
  });
  if (!found) return std::nullopt;
  return candidate;
}

}  // namespace crashpoint::recorder
