// SPDX-License-Identifier: Apache-2.0
// capture_buffer.hpp: a stream's first and last bytes, in bounded memory.
//
//   capture_buffer b(1 << 20);          // keep 512 KiB of head and 512 KiB of tail
//   b.append(chunk);                    // any number of times, any volume
//   captured c = std::move(b).finish(); // head + "[crashpoint: N bytes omitted]" + tail
//
// Memory never exceeds about 2 * limit, however much the stream carries: a
// target that writes gigabytes costs the harness time, not memory. The tail is
// kept because that is where a crash message is (the last thing a crashing
// program prints).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace crashpoint::harness {

struct captured {
  std::string text;
  std::uint64_t total_bytes = 0;  // everything the stream carried
  bool truncated = false;         // text lost its middle
};

// Keeps the first and the last limit/2 bytes of a stream.
class capture_buffer {
 public:
  explicit capture_buffer(std::size_t limit);
  void append(std::string_view bytes);
  captured finish() &&;

 private:
  std::size_t head_limit_, tail_limit_;
  std::string head_, tail_;  // tail_ holds at most 2 * tail_limit_ between trims
  std::uint64_t total_ = 0;
};

}  // namespace crashpoint::harness
