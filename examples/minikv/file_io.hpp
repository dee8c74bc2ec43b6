// SPDX-License-Identifier: Apache-2.0
// minikv/file_io.hpp: the few POSIX file operations that durability needs.
//
// On POSIX, write(2) only hands data to the kernel. It reaches the disk when
// fsync(2) is called on the file, and a created, renamed or removed name
// survives a power cut only after fsync(2) on its directory. These wrappers
// retry interrupted calls, finish short writes, and report errno as a
// std::error_code instead of throwing.
#ifndef MINIKV_FILE_IO_HPP
#define MINIKV_FILE_IO_HPP

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace minikv {

// Owns a file descriptor and closes it.
class file_descriptor {
 public:
  file_descriptor() = default;
  explicit file_descriptor(int fd) noexcept : fd_(fd) {}
  ~file_descriptor();
  file_descriptor(file_descriptor&& other) noexcept;
  file_descriptor& operator=(file_descriptor&& other) noexcept;
  file_descriptor(const file_descriptor&) = delete;
  file_descriptor& operator=(const file_descriptor&) = delete;

  [[nodiscard]] int get() const noexcept { return fd_; }

 private:
  int fd_ = -1;
};

// open(2) with O_CLOEXEC added; new files get mode 0644.
[[nodiscard]] std::error_code open_file(const std::filesystem::path& file, int flags, file_descriptor& out);

// The whole content of an open file, read from offset 0.
[[nodiscard]] std::error_code read_all(int fd, std::string& out);

// The whole content of a file; a missing file is std::errc::no_such_file_or_directory.
[[nodiscard]] std::error_code read_file(const std::filesystem::path& file, std::string& out);

// Writes all of `data` at the file offset (or at the end, for O_APPEND).
[[nodiscard]] std::error_code write_all(int fd, std::string_view data);

// fsync(2): the file's data and size are on disk when this returns.
[[nodiscard]] std::error_code sync_file(int fd);

// ftruncate(2) to `size` bytes (not yet durable: sync_file() after it).
[[nodiscard]] std::error_code truncate_file(int fd, std::uint64_t size);

// fsync(2) on a directory: names created, renamed or removed in it are on disk.
[[nodiscard]] std::error_code sync_directory(const std::filesystem::path& dir);

}  // namespace minikv

#endif  // MINIKV_FILE_IO_HPP
