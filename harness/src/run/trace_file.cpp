// SPDX-License-Identifier: Apache-2.0
// trace_file.cpp: reading a trace file as a bounded stream (see trace_file.hpp).
#include "run/trace_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "trace.hpp"  // the library's trace format: parse_trace_line
#include "workdir/workdir.hpp"

namespace crashpoint::harness {
namespace {

std::string file_type(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a directory";
  return "not a regular file";
}

std::string size_text(std::uint64_t bytes) {
  if (bytes % (1U << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes % (1U << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

std::string too_big(const std::filesystem::path& file, std::uint64_t limit) {
  return "the trace " + file.string() + " is larger than " + size_text(limit) + " (the limit)";
}

}  // namespace

bool trace_summary::fired_any_of(const std::vector<std::string>& names) const {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return fired.count(n) != 0; });
}

void trace_collector::add(std::string_view bytes) {
  if (!bytes.empty()) out_.written = true;
  while (!bytes.empty()) {
    const std::size_t eol = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, eol);
    if (!overlong_ && partial_.size() + piece.size() > wants_.max_line) {
      overlong_ = true;  // not a trace line: skipped to its end, never held
      partial_.clear();
    }
    if (!overlong_) partial_.append(piece);
    if (eol == std::string_view::npos) return;
    if (!overlong_) add_line(partial_);
    partial_.clear();
    overlong_ = false;
    bytes.remove_prefix(eol + 1);
  }
}

void trace_collector::add_line(std::string_view text) {
  const auto line = detail::parse_trace_line(text);
  if (!line) return;
  if (line->fired() && out_.fired.size() < wants_.max_fired &&
      (wants_.fired_of.empty() ||
       std::find(wants_.fired_of.begin(), wants_.fired_of.end(), line->name) != wants_.fired_of.end())) {
    out_.fired.emplace(line->name);
  }
  if (wants_.max_points == 0 || !out_.problem.empty()) return;
  if (!seen_.emplace(std::string(line->name), line->hit).second) return;
  if (out_.points.size() == wants_.max_points) {
    out_.problem = "the trace holds more than " + std::to_string(wants_.max_points) +
                   " distinct crash points (the limit)";
    return;
  }
  out_.points.push_back({std::string(line->name), line->hit, line->kind == detail::point_kind::fail});
}

trace_summary trace_collector::finish() && {
  if (!overlong_ && !partial_.empty()) add_line(partial_);  // a last line without its newline
  return std::move(out_);
}

trace_summary summarize_trace(std::string_view text, const trace_wants& wants) {
  trace_collector c(wants);
  c.add(text);
  return std::move(c).finish();
}

trace_summary read_trace(const temp_root& root, const std::filesystem::path& file, const trace_wants& wants) {
  trace_summary out;
  const dirfd::unique_fd fd = root.open_for_reading(file);
  if (!fd) {
    if (errno == ENOENT) return out;  // the target wrote no trace
    out.problem = "the trace " + file.string() + " cannot be opened: " +
                  (errno == ELOOP ? std::string("it is a symbolic link") : std::strerror(errno));
    return out;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    out.problem = "the trace " + file.string() + " cannot be read: " + std::strerror(errno);
    return out;
  }
  if (!S_ISREG(st.st_mode)) {
    out.problem = "the trace " + file.string() + " is " + file_type(st.st_mode) + ", not a regular file";
    return out;
  }
  if (static_cast<std::uint64_t>(st.st_size) > wants.max_bytes) {
    out.problem = too_big(file, wants.max_bytes);
    return out;
  }
  trace_collector c(wants);
  constexpr std::size_t chunk = 64 * 1024;
  const std::unique_ptr<char[]> buf(new char[chunk]);
  for (std::uint64_t total = 0;;) {
    const ssize_t n = ::read(fd.get(), buf.get(), chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out.problem = "the trace " + file.string() + " cannot be read: " + std::strerror(errno);
      return out;
    }
    if (n == 0) break;
    total += static_cast<std::uint64_t>(n);
    if (total > wants.max_bytes) {  // it grew while being read
      out.problem = too_big(file, wants.max_bytes);
      return out;
    }
    c.add({buf.get(), static_cast<std::size_t>(n)});
  }
  out = std::move(c).finish();
  if (!out.problem.empty()) out.problem += " in " + file.string();
  return out;
}

}  // namespace crashpoint::harness
