// trace.cpp: one line per checkpoint reached, appended with a single write(2).
#include "trace.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace crashpoint::detail {

void write_all(int fd, std::string_view text) noexcept {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

void trace_writer::open(const std::string& path, std::string_view var) {
  if (path.empty()) return;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    std::string msg(var);
    msg += "_TRACE: cannot open `" + path + "`: " + std::strerror(errno) + "\n";
    write_all(STDERR_FILENO, msg);
  }
}

std::uint64_t trace_writer::next_hit(std::string_view name) {
  const std::lock_guard<std::mutex> lock(mutex_);
  auto it = hits_.find(std::string(name));
  if (it == hits_.end()) it = hits_.emplace(std::string(name), 0).first;
  return ++it->second;
}

void trace_writer::record(point_kind kind, std::uint64_t hit, std::string_view outcome,
                          std::string_view name) const {
  std::string line = std::to_string(::getpid());
  line += kind == point_kind::panic ? " panic " : " fail ";
  line += std::to_string(hit);
  line += ' ';
  line += outcome;
  line += ' ';
  line += name;
  line += '\n';
  write_all(fd_, line);
}

}  // namespace crashpoint::detail
