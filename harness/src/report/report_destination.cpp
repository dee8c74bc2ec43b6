// SPDX-License-Identifier: Apache-2.0
// report_destination.cpp: what a report path names, what it must not be, and
// writing to it (see report_destination.hpp).
#include "report/report_destination.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "session/session_record.hpp"

namespace crashpoint::harness {
namespace {

bool same_file_as_fd(const struct stat& st, int fd) {
  struct stat fd_st {};
  return ::fstat(fd, &fd_st) == 0 && fd_st.st_dev == st.st_dev && fd_st.st_ino == st.st_ino;
}

// A report file that does not exist yet: its folder must exist and be writable.
std::optional<report_destination> new_file(report_destination d, std::string& error) {
  const std::string shown = d.option + " " + d.given;
  const fs::path path = d.given;
  if (!path.has_filename()) {
    error = shown + ": expected a file name, not a folder";
    return std::nullopt;
  }
  const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  const std::string in_folder = shown + ": the folder " + folder.string();
  if (!fs::is_directory(folder, ec)) {
    error = in_folder + " does not exist";
    return std::nullopt;
  }
  if (::access(folder.c_str(), W_OK) != 0) {
    error = in_folder + " is not writable";
    return std::nullopt;
  }
  d.k = report_destination::kind::replace;
  d.path = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) d.path = path;
  return d;
}

// An existing regular file (perhaps through links): the file itself is replaced.
std::optional<report_destination> existing_file(report_destination d, std::string& error) {
  std::error_code ec;
  d.k = report_destination::kind::replace;
  d.path = fs::canonical(d.given, ec);
  const fs::path folder = d.path.parent_path();
  if (ec || ::access(folder.c_str(), W_OK) != 0) {
    error =
        d.option + " " + d.given + ": the folder " + (ec ? d.given : folder.string()) + " is not writable";
    return std::nullopt;
  }
  return d;
}

bool write_fd(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool fail_with_errno(const report_destination& d, std::string& error) {
  error = "cannot write " + d.option + " " + d.given + ": " + std::strerror(errno);
  return false;
}

bool write_in_place(const report_destination& d, const std::string& text, std::string& error) {
  // Non-blocking open: a FIFO nobody reads must not hang the harness.
  const int fd = ::open(d.path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0 && errno == ENXIO) {
    error = "cannot write " + d.option + " " + d.given + ": no process has it open for reading";
    return false;
  }
  if (fd < 0) return fail_with_errno(d, error);
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode));
  if (!ok) errno = EEXIST;  // replaced by something else since the start
  ok = ok && ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0 && write_fd(fd, text);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return ok || fail_with_errno(d, error);
}

std::pair<dev_t, ino_t> id_of(const struct stat& st) { return {st.st_dev, st.st_ino}; }

bool inside(const fs::path& path, const fs::path& folder) {
  const fs::path rel = path.lexically_relative(folder);
  return !rel.empty() && *rel.begin() != "..";
}

// `path` made canonical, or nullopt when it does not exist.
std::optional<fs::path> canonical_or_none(const fs::path& path) {
  std::error_code ec;
  fs::path out = fs::canonical(path, ec);
  if (ec) return std::nullopt;
  return out;
}

}  // namespace

void add_input(session_inputs& inputs, const fs::path& path, const std::string& what,
               const std::string& what_folder) {
  const auto canonical = canonical_or_none(path);
  if (!canonical) return;
  std::error_code ec;
  if (fs::is_directory(*canonical, ec)) {
    inputs.folders.emplace_back(
        *canonical, "the " + (what_folder.empty() ? what : what_folder) + " " + display_path(*canonical));
  } else {
    inputs.files.emplace_back(*canonical, "the " + what + " " + display_path(*canonical));
  }
}

bool report_destination::same_as(const report_destination& other) const {
  const auto stream = [](kind x) { return x == kind::stdout_stream || x == kind::stderr_stream; };
  if (stream(k) || stream(other.k)) return k == other.k;
  if (id && other.id) return *id == *other.id;
  return path == other.path;
}

std::optional<report_destination> report_destination_of(const std::string& option, const std::string& given,
                                                        std::string& error) {
  report_destination d;
  d.option = option;
  d.given = given;
  const std::string shown = option + " " + given;
  if (given == "-") {
    d.k = report_destination::kind::stdout_stream;
    return d;
  }
  struct stat st {};
  if (::stat(given.c_str(), &st) != 0) {
    struct stat link {};
    if (errno == ENOENT && ::lstat(given.c_str(), &link) == 0) {
      error = shown + ": a symbolic link to a file that does not exist";
      return std::nullopt;
    }
    if (errno == ENOENT) return new_file(std::move(d), error);
    error = shown + ": " + std::strerror(errno);
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    error = shown + ": expected a file name, not a folder";
    return std::nullopt;
  }
  d.id = id_of(st);
  if (same_file_as_fd(st, STDOUT_FILENO)) {
    d.k = report_destination::kind::stdout_stream;
  } else if (same_file_as_fd(st, STDERR_FILENO)) {
    d.k = report_destination::kind::stderr_stream;
  } else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
    d.k = report_destination::kind::in_place;
    d.path = given;
  } else if (S_ISREG(st.st_mode)) {
    return existing_file(std::move(d), error);
  } else {
    error = shown + ": expected a regular file, a FIFO or a character device";
    return std::nullopt;
  }
  return d;
}

session_inputs inputs_of(const std::vector<fs::path>& given, const std::vector<loaded_suite>& suites,
                         const std::vector<fs::path>& targets) {
  session_inputs inputs;
  for (const fs::path& p : given) add_input(inputs, p, "scenario file", "scenario folder");
  for (const loaded_suite& s : suites) {
    add_input(inputs, s.target.file, "suite file");
    for (const scenario& sc : s.scenarios) {
      add_input(inputs, sc.file, "scenario file");
      const fs::path dir = sc.file.parent_path();
      if (sc.fixture) add_input(inputs, dir / *sc.fixture, "fixture");
      for (const assertion& a : sc.asserts) {
        const auto* file = a.as<file_check>();
        if (file && file->equals_file) add_input(inputs, dir / *file->equals_file, "golden file");
      }
    }
  }
  for (const fs::path& t : targets) add_input(inputs, t, "target");
  return inputs;
}

std::string input_overwritten(const report_destination& d, const session_inputs& inputs) {
  using kind = report_destination::kind;
  if (d.k == kind::stdout_stream || d.k == kind::stderr_stream) return "";
  const std::string shown = d.option + " " + d.given;
  const fs::path path = canonical_or_none(d.path).value_or(d.path);
  for (const auto& [file, what] : inputs.files) {
    struct stat st {};
    const bool same_id = d.id && ::stat(file.c_str(), &st) == 0 && id_of(st) == *d.id;
    if (same_id || path == file) return shown + ": that is " + what + ", an input of this session";
  }
  for (const auto& [folder, what] : inputs.folders) {
    if (inside(path, folder)) return shown + ": that is inside " + what + ", an input of this session";
  }
  return "";
}

bool write_report(const report_destination& d, const std::string& text, std::string& error) {
  switch (d.k) {
    case report_destination::kind::stdout_stream:
      std::fflush(stdout);
      return write_fd(STDOUT_FILENO, text) || fail_with_errno(d, error);
    case report_destination::kind::stderr_stream:
      std::fflush(stderr);
      return write_fd(STDERR_FILENO, text) || fail_with_errno(d, error);
    case report_destination::kind::in_place: return write_in_place(d, text, error);
    case report_destination::kind::replace: break;
  }
  return write_file_atomically(d.path, text, error);
}

}  // namespace crashpoint::harness
