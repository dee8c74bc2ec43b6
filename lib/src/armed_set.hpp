// SPDX-License-Identifier: Apache-2.0
// armed_set.hpp: the process-wide set of armed checkpoint names.
//
// Built once from the arming variable, then read concurrently without locks.
// A lookup must stay cheap and flat in the number of armed names, because with
// anything armed every checkpoint call in the process comes here: a 64 Kibit
// Bloom filter (two bits per name) answers "not armed" for almost every call
// after hashing only the name's length and its first and last 8 bytes
// (may_contain, inline: no call). Only a possible match hashes the whole name
// for the open-addressing table and compares strings, so names alike in those
// 16 bytes still get their own probe chains.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crashpoint/arming.hpp"

namespace crashpoint::detail {

// One entry's condition: which hit (0: every hit) and what to do.
struct hit_rule {
  std::uint64_t hit = 0;
  std::optional<action> act;
};

// The first rule matching `hit`, or nullptr. Entries are tried in the order
// they were written, so "a@2=kill,a" kills on hit 2 and aborts on the others.
const hit_rule* match_rule(const std::vector<hit_rule>& rules, std::uint64_t hit) noexcept;

// 8 bytes at `p`, in any alignment.
inline std::uint64_t load8(const char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Constant time whatever the name's length: length, first and last 8 bytes,
// folded by one 64x64->128-bit multiply (wyhash's "mum"). The constants hold
// bytes above 0x7f, so neither factor is 0 for a printable ASCII name.
inline std::uint64_t quick_hash(std::string_view name) noexcept {
  const std::size_t n = name.size();
  std::uint64_t head = 0;
  std::uint64_t tail = 0;
  if (n >= 8) {
    head = load8(name.data());
    tail = load8(name.data() + n - 8);
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      head |= std::uint64_t{static_cast<unsigned char>(name[i])} << (8 * i);
    }
  }
  __extension__ using u128 = unsigned __int128;
  const u128 m = static_cast<u128>(head ^ 0xa0761d6478bd642fULL) * (tail ^ n ^ 0xe7037ed1a0b428dbULL);
  return static_cast<std::uint64_t>(m) ^ static_cast<std::uint64_t>(m >> 64);
}

struct armed_point {
  std::string name;
  std::vector<hit_rule> rules;
  std::atomic<std::uint64_t> hits{0};
};

class armed_set {
 public:
  armed_set() = default;
  explicit armed_set(const std::vector<arming_entry>& entries);

  bool empty() const noexcept { return points_.empty(); }
  // The armed point named `name`, or nullptr.
  armed_point* find(std::string_view name) const noexcept;
  // False when `name` is surely not armed: the Bloom filter alone, no table.
  bool may_contain(std::string_view name) const noexcept {
    return !points_.empty() && maybe_contains(quick_hash(name));
  }

 private:
  static constexpr std::size_t bloom_words = 1024;  // 65,536 bits: 8 KiB
  void insert(const arming_entry& entry);
  bool maybe_contains(std::uint64_t hash) const noexcept {
    const std::uint64_t a = bloom_[(hash & 0xffff) >> 6] >> (hash & 63);
    const std::uint64_t b = bloom_[((hash >> 32) & 0xffff) >> 6] >> ((hash >> 32) & 63);
    return (a & b & 1) != 0;
  }
  std::size_t slot_of(std::string_view name, std::uint64_t hash) const noexcept;

  std::array<std::uint64_t, bloom_words> bloom_{};
  std::vector<std::unique_ptr<armed_point>> points_;
  std::vector<std::uint32_t> slots_;  // index + 1 into points_; 0 is empty
};

}  // namespace crashpoint::detail
