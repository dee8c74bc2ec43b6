// trace.hpp: the trace file named by CRASHPOINT_TRACE (or <VAR>_TRACE).
//
// Each checkpoint reached appends one line with one write(2) to a file opened
// with O_APPEND, so threads and processes (even concurrent ones) can share a
// file without interleaving lines:
//
//     PID KIND HIT OUTCOME NAME
//     4242 panic 1 pass log_after_append
//     4242 panic 2 abort log_after_append
//
// KIND is `panic` or `fail`; HIT counts that name's calls in this process from
// 1; OUTCOME is `pass` (not fired), the action that fired (`abort`, `kill`,
// `exit(3)`, `throw`, `error`, `sleep(10)`), or `misconfigured`. NAME is last
// so that it may hold any character but a newline.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace crashpoint::detail {

enum class point_kind { panic, fail };

class trace_writer {
 public:
  // Opens `path` for appending; an empty path disables tracing. A file that
  // cannot be opened is reported once on stderr (prefix: `var`).
  void open(const std::string& path, std::string_view var);
  bool enabled() const noexcept { return fd_ >= 0; }

  // Counts a hit of `name` in this process and returns its number (from 1).
  std::uint64_t next_hit(std::string_view name);
  void record(point_kind kind, std::uint64_t hit, std::string_view outcome,
              std::string_view name) const;

 private:
  int fd_ = -1;
  std::mutex mutex_;
  std::unordered_map<std::string, std::uint64_t> hits_;
};

// Writes all of `text` to `fd`, retrying on EINTR and short writes. One call
// to write(2) in the normal case: that is what keeps lines whole.
void write_all(int fd, std::string_view text) noexcept;

}  // namespace crashpoint::detail
