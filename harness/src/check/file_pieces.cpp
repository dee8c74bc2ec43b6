// SPDX-License-Identifier: Apache-2.0
// file_pieces.cpp: non-blocking opens, full pieces, and samples by pread.
#include "check/file_pieces.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace crashpoint::harness {
namespace {

std::string_view file_type(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  return "something else";
}

// Reads up to `size` bytes at `offset`, retrying short reads; the count read.
std::size_t pread_full(int fd, char* into, std::size_t size, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, into + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw check_failed(std::string("read failed: ") + std::strerror(errno));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace

opened_file open_for_check(int dir_fd, const char* name, bool follow_links) {
  opened_file f;
  const int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (follow_links ? 0 : O_NOFOLLOW);
  f.fd = dirfd::unique_fd(::openat(dir_fd, name, flags));
  if (!f.fd) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR)
      f.problem = "is absent";
    else if (error == ELOOP && !follow_links)
      f.problem = "is not a regular file (a symbolic link)";
    else
      f.problem = std::string("cannot be read: ") + std::strerror(error);
    return f;
  }
  struct stat st {};
  if (::fstat(f.fd.get(), &st) != 0) {
    f.problem = std::string("cannot be read: ") + std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    f.problem = "is not a regular file (" + std::string(file_type(st.st_mode)) + ")";
  } else {
    f.size = static_cast<std::uint64_t>(st.st_size);
  }
  return f;
}

void read_pieces(int fd, const check_budget& budget, std::string_view doing, const piece_reader& piece) {
  std::vector<char> buffer(file_piece_bytes);
  for (std::uint64_t offset = 0;;) {
    budget.check(doing);
    const std::size_t n = pread_full(fd, buffer.data(), buffer.size(), offset);
    if (n > 0 && !piece(std::string_view(buffer.data(), n))) return;
    if (n < buffer.size()) return;
    offset += n;
  }
}

text_sample sample_file(int fd, std::size_t head_bytes) {
  text_sample s;
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw check_failed(std::string("cannot read it: ") + std::strerror(errno));
  s.size = static_cast<std::uint64_t>(st.st_size);
  s.head.resize(static_cast<std::size_t>(std::min<std::uint64_t>(s.size, head_bytes)));
  s.head.resize(pread_full(fd, s.head.data(), s.head.size(), 0));
  if (s.size > s.head.size()) {
    const std::uint64_t from = std::max<std::uint64_t>(s.head.size(), s.size - sample_tail_bytes);
    s.tail.resize(static_cast<std::size_t>(s.size - from));
    s.tail.resize(pread_full(fd, s.tail.data(), s.tail.size(), from));
  }
  return s;
}

text_sample sample_text(std::string_view text, std::size_t head_bytes) {
  text_sample s;
  s.size = text.size();
  s.head = text.substr(0, head_bytes);
  if (text.size() > s.head.size()) {
    s.tail = text.substr(std::max(s.head.size(), text.size() - sample_tail_bytes));
  }
  return s;
}

}  // namespace crashpoint::harness
