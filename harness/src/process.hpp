// process.hpp: runs one child program to completion, the harness's only way to
// start processes.
//
//   command cmd;
//   cmd.argv = {"/usr/bin/env"};
//   cmd.env = {{"A", "1"}};                     // the child's whole environment
//   cmd.timeout = std::chrono::seconds(10);
//   command_result r = run_command(cmd);        // blocks; safe from many threads
//   if (r.status.k != exit_status::kind::exited) fmt::print("{}\n", r.status.describe());
//
// Each child runs in its own process group. Whatever ends the child (exit,
// signal, timeout), the whole group is SIGKILLed, so grandchildren never
// outlive a run or hold its pipes open. A grandchild that left the group
// (setsid) may survive, but it cannot delay run_command: once the child has
// ended, only what is already in the pipes is read.
//
// Output is captured in memory up to `capture_limit` bytes per stream: the
// first and last halves, with a marker line in place of the middle.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crashpoint::harness {

struct command {
  // argv[0]: a path (made absolute against `cwd` if relative) or a bare name
  // looked up in env["PATH"]. It stays the child's argv[0] as written.
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;  // the child's complete environment
  std::filesystem::path cwd;               // empty: the harness's own
  std::chrono::milliseconds timeout{30000};  // zero: no limit
  std::size_t capture_limit = 1 << 20;       // bytes kept per stream
};

struct exit_status {
  enum class kind { exited, signaled, timed_out, not_started };
  kind k = kind::not_started;
  int code = -1;    // exited: the exit code
  int signal = 0;   // signaled, timed_out: the signal that ended the child
  std::string error;                    // not_started: why
  std::chrono::milliseconds timeout{};  // timed_out: the limit it hit
  std::string describe() const;  // "exit 3", "signal SIGABRT", "timed out after 10s", "could not start: ..."
};

struct captured {
  std::string text;
  std::uint64_t total_bytes = 0;  // everything the stream carried
  bool truncated = false;         // text lost its middle
};

struct command_result {
  exit_status status;
  std::chrono::nanoseconds duration{};
  captured out, err;
};

// Starts cmd, waits for it and its output, and reaps it. Never throws for
// anything the child or the command does; failures to start are a status.
// Needs SIGCHLD not ignored (SIG_IGN would reap children behind its back).
command_result run_command(const command& cmd);

// SIGKILLs the process group of every child run_command has started or is
// starting, from any thread (not from a signal handler): a child still being
// started is killed as soon as it exists.
void kill_all_running();

std::string signal_name(int sig);                        // "SIGABRT"; "signal 42" if unknown
std::optional<int> signal_number(std::string_view name);  // "SIGABRT", "ABRT", "abrt" -> 6

// Keeps the first and the last limit/2 bytes of a stream, in bounded memory.
class capture_buffer {
 public:
  explicit capture_buffer(std::size_t limit);
  void append(std::string_view bytes);
  captured finish() &&;

 private:
  std::size_t head_limit_, tail_limit_;
  std::string head_, tail_;  // tail_ holds at most 2 * tail_limit_ between trims
  std::uint64_t total_ = 0;
};

}  // namespace crashpoint::harness
