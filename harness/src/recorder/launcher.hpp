// SPDX-License-Identifier: Apache-2.0
// launcher.hpp: starting the command traced from its first instruction.
//
//   std::vector<sock_filter> filter = build_filter();
//   launched child = launch(program, argv, filter);   // throws record_failure
//   ... trace it; once it has ended without exec'ing:
//   launch_error e = child.error();                   // why it could not start
//
// The order is what makes every call of the command visible and none fail:
//   1. fork; the child waits on a pipe;
//   2. the parent attaches with PTRACE_SEIZE (TRACESECCOMP, TRACESYSGOOD,
//      TRACEFORK, TRACEVFORK, TRACECLONE, TRACEEXEC, EXITKILL) and releases it;
//   3. the child sets no_new_privs, installs the filter, and execs.
// The filter is installed only once a tracer is attached: a SECCOMP_RET_TRACE
// with no tracer makes the call fail with ENOSYS. EXITKILL kills every tracee
// if the recorder dies, so nothing outlives it. If the parent dies before
// step 2, the child reads end-of-file and exits. A child that cannot exec
// reports the errno through a close-on-exec pipe and exits 126 or 127.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace crashpoint::recorder {

// The recorder could not do its job (crashpoint-record exits 125).
class record_failure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Why the command did not start: the failing step and its errno.
struct launch_error {
  enum class step : int { none = 0, no_new_privs = 1, seccomp = 2, exec = 3 };
  step at = step::none;
  int error = 0;
};

class launched {
 public:
  launched(pid_t pid, int error_fd) : pid_(pid), error_fd_(error_fd) {}
  launched(launched&& other) noexcept : pid_(other.pid_), error_fd_(other.error_fd_) { other.error_fd_ = -1; }
  launched(const launched&) = delete;
  launched& operator=(const launched&) = delete;
  launched& operator=(launched&&) = delete;
  ~launched();
  pid_t pid() const { return pid_; }
  // What the child reported before exiting, once it has (step::none: nothing).
  launch_error error() const;

 private:
  pid_t pid_;
  int error_fd_;
};

// Forks and seizes a child that will exec `program` with `argv` and the
// recorder's own environment, under `filter`.
launched launch(const std::string& program, const std::vector<std::string>& argv,
                const std::vector<sock_filter>& filter);

// execvp's search: `name` itself when it contains a '/', else the first
// executable regular file named so in $PATH. nullopt with `error` set to
// ENOENT or EACCES when there is none.
std::optional<std::string> find_program(const std::string& name, int& error);

}  // namespace crashpoint::recorder
