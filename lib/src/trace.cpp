// SPDX-License-Identifier: Apache-2.0
// trace.cpp: one line per checkpoint reached, appended with a single write(2).
#include "trace.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
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

namespace {

// The text up to the next space, removed from `rest` with that space.
std::string_view next_field(std::string_view& rest) noexcept {
  const std::size_t space = rest.find(' ');
  if (space == std::string_view::npos) {
    const std::string_view all = rest;
    rest = {};
    return all;
  }
  const std::string_view field = rest.substr(0, space);
  rest.remove_prefix(space + 1);
  return field;
}

bool parse_number(std::string_view text, std::uint64_t& out) noexcept {
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, out);
  return !text.empty() && result.ec == std::errc() && result.ptr == end;
}

}  // namespace

bool trace_line::fired() const noexcept {
  return outcome != "pass" && outcome != "misconfigured" && outcome.substr(0, 6) != "sleep(";
}

std::optional<trace_line> parse_trace_line(std::string_view line) noexcept {
  trace_line out;
  std::string_view rest = line;
  if (!parse_number(next_field(rest), out.pid)) return std::nullopt;
  const std::string_view kind = next_field(rest);
  if (kind == "panic") {
    out.kind = point_kind::panic;
  } else if (kind == "fail") {
    out.kind = point_kind::fail;
  } else {
    return std::nullopt;
  }
  if (!parse_number(next_field(rest), out.hit)) return std::nullopt;
  out.outcome = next_field(rest);
  out.name = rest;
  if (out.outcome.empty() || out.name.empty()) return std::nullopt;
  return out;
}

}  // namespace crashpoint::detail
