// SPDX-License-Identifier: Apache-2.0
// capture_buffer.cpp: head and tail of a stream (see capture_buffer.hpp).
#include "process/capture_buffer.hpp"

#include <algorithm>

namespace crashpoint::harness {

capture_buffer::capture_buffer(std::size_t limit) : head_limit_(limit / 2), tail_limit_(limit - limit / 2) {}

void capture_buffer::append(std::string_view bytes) {
  total_ += bytes.size();
  const std::size_t to_head = std::min(bytes.size(), head_limit_ - head_.size());
  head_.append(bytes.substr(0, to_head));
  bytes.remove_prefix(to_head);
  tail_.append(bytes.substr(bytes.size() - std::min(bytes.size(), tail_limit_)));
  // Trim only past twice the limit: amortised O(1) per byte, bounded memory.
  if (tail_.size() / 2 > tail_limit_) tail_.erase(0, tail_.size() - tail_limit_);
}

captured capture_buffer::finish() && {
  if (tail_.size() > tail_limit_) tail_.erase(0, tail_.size() - tail_limit_);
  captured c;
  c.total_bytes = total_;
  const std::uint64_t omitted = total_ - head_.size() - tail_.size();
  c.truncated = omitted > 0;
  c.text = std::move(head_);
  if (c.truncated) c.text += "\n[crashpoint: " + std::to_string(omitted) + " bytes omitted]\n";
  c.text += tail_;
  return c;
}

}  // namespace crashpoint::harness
