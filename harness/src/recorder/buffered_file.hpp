// SPDX-License-Identifier: Apache-2.0
// buffered_file.hpp: an output file written through a buffer, for the log and
// the payloads, which grow by a small record per traced call.
//
//   buffered_file f = buffered_file::create("/tmp/run/io.jsonl");  // throws std::system_error
//   f.append(line);          // buffered; written once 64 KiB have gathered
//   f.flush();               // before a crash point kills, and at the end
//   f.size();                // bytes appended so far: offsets into the file
//
// A default-constructed buffered_file is closed and drops what it is given,
// so callers need no "is there a log" branches.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace crashpoint::recorder {

class buffered_file {
 public:
  buffered_file() = default;
  static buffered_file create(const std::filesystem::path& path);  // truncates; close-on-exec
  buffered_file(buffered_file&& other) noexcept;
  buffered_file& operator=(buffered_file&& other) noexcept;
  buffered_file(const buffered_file&) = delete;
  buffered_file& operator=(const buffered_file&) = delete;
  ~buffered_file();  // closes without flushing: call flush() first

  bool is_open() const { return fd_ >= 0; }
  void append(std::string_view bytes);
  void flush();
  std::uint64_t size() const { return size_; }

 private:
  void write_all(std::string_view bytes);

  int fd_ = -1;
  std::string path_;
  std::string buffer_;
  std::uint64_t size_ = 0;
};

}  // namespace crashpoint::recorder
