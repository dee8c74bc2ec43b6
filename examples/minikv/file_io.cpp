// SPDX-License-Identifier: Apache-2.0
// minikv/file_io.cpp: POSIX calls wrapped for std::error_code (see file_io.hpp).
#include "minikv/file_io.hpp"

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace minikv {
namespace {

std::error_code last_error() noexcept { return {errno, std::system_category()}; }

}  // namespace

file_descriptor::~file_descriptor() {
  if (fd_ >= 0) {
    ::close(fd_);  // nothing useful to do on failure: durability came from fsync
  }
}

file_descriptor::file_descriptor(file_descriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

file_descriptor& file_descriptor::operator=(file_descriptor&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

std::error_code open_file(const std::filesystem::path& file, int flags, file_descriptor& out) {
  int fd = -1;
  do {
    fd = ::open(file.c_str(), flags | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return last_error();
  }
  out = file_descriptor(fd);
  return {};
}

std::error_code read_all(int fd, std::string& out) {
  out.clear();
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(out.size()));
    if (n == 0) {
      return {};
    }
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return last_error();
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

std::error_code read_file(const std::filesystem::path& file, std::string& out) {
  file_descriptor fd;
  if (std::error_code ec = open_file(file, O_RDONLY, fd)) {
    return ec;
  }
  return read_all(fd.get(), out);
}

std::error_code write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return last_error();
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

std::error_code sync_file(int fd) {
  // No retry on EINTR or any error: after a failed fsync the kernel may have
  // dropped the dirty pages, so a second fsync could succeed without the data.
  return ::fsync(fd) == 0 ? std::error_code{} : last_error();
}

std::error_code truncate_file(int fd, std::uint64_t size) {
  int result = 0;
  do {
    result = ::ftruncate(fd, static_cast<off_t>(size));
  } while (result != 0 && errno == EINTR);
  return result == 0 ? std::error_code{} : last_error();
}

std::error_code sync_directory(const std::filesystem::path& dir) {
  file_descriptor fd;
  if (std::error_code ec = open_file(dir, O_RDONLY | O_DIRECTORY, fd)) {
    return ec;
  }
  return sync_file(fd.get());
}

}  // namespace minikv
