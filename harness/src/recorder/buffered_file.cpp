// SPDX-License-Identifier: Apache-2.0
// buffered_file.cpp: buffered append-only output (see buffered_file.hpp).
#include "recorder/buffered_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace crashpoint::recorder {

namespace {
constexpr std::size_t buffer_limit = 64 * 1024;
}

buffered_file buffered_file::create(const std::filesystem::path& path) {
  buffered_file f;
  f.fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (f.fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot create " + path.string());
  f.path_ = path.string();
  f.buffer_.reserve(buffer_limit);
  return f;
}

buffered_file::buffered_file(buffered_file&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      buffer_(std::move(other.buffer_)),
      size_(other.size_) {}

buffered_file& buffered_file::operator=(buffered_file&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    buffer_ = std::move(other.buffer_);
    size_ = other.size_;
  }
  return *this;
}

buffered_file::~buffered_file() {
  if (fd_ >= 0) ::close(fd_);
}

void buffered_file::append(std::string_view bytes) {
  if (fd_ < 0) return;
  size_ += bytes.size();
  if (buffer_.size() + bytes.size() > buffer_limit) {
    flush();
    if (bytes.size() >= buffer_limit) {
      write_all(bytes);
      return;
    }
  }
  buffer_.append(bytes);
}

void buffered_file::flush() {
  if (fd_ < 0 || buffer_.empty()) return;
  write_all(buffer_);
  buffer_.clear();
}

void buffered_file::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "cannot write " + path_);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace crashpoint::recorder
