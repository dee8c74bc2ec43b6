// SPDX-License-Identifier: Apache-2.0
// payload_store.hpp: the bytes of modelled writes, kept for power-loss states.
//
//   payload_store store(buffered_file::create("payloads.bin"));
//   payload_span s = store.from_memory(tid, iovecs);   // write family: the caller's buffers, at entry
//   payload_span c = store.from_file(tid, fd, off, n); // copy_file_range, sendfile, splice: the file, after
//   op.payload = s.offset;  op.payload_length = s.length;
//
// The payloads file is the bytes one after the other, nothing else: a call's
// bytes are at [payload, payload + payload_length). A store made without a
// file keeps nothing and returns empty spans. Reading stops at the first byte
// that cannot be read (an unmapped page, a file cut shorter meanwhile); the
// span says how much was kept.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "recorder/buffered_file.hpp"

namespace crashpoint::recorder {

struct payload_span {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct memory_range {
  std::uint64_t addr = 0;
  std::uint64_t length = 0;
};

class payload_store {
 public:
  payload_store() = default;
  explicit payload_store(buffered_file file) : file_(std::move(file)) {}

  bool enabled() const { return file_.is_open(); }
  // At most `limit` bytes from the ranges, in order.
  payload_span from_memory(pid_t tid, std::span<const memory_range> ranges, std::uint64_t limit);
  payload_span from_file(pid_t tid, int fd, std::uint64_t offset, std::uint64_t length);
  void flush() { file_.flush(); }

 private:
  buffered_file file_;
  std::string chunk_;
};

}  // namespace crashpoint::recorder
