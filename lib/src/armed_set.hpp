// armed_set.hpp: the process-wide set of armed checkpoint names.
//
// Built once from the arming variable, then read concurrently without locks.
// A lookup must stay cheap and flat in the number of armed names, because with
// anything armed every checkpoint call in the process comes here: a 64 Kibit
// Bloom filter (two bits per name) answers "not armed" for almost every call
// after hashing only the name's length and its first and last 8 bytes; only a
// possible match reaches the open-addressing table and a string compare.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
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

 private:
  static constexpr std::size_t bloom_words = 1024;  // 65,536 bits: 8 KiB
  void insert(const arming_entry& entry);
  bool maybe_contains(std::uint64_t hash) const noexcept;
  std::size_t slot_of(std::string_view name, std::uint64_t hash) const noexcept;

  std::array<std::uint64_t, bloom_words> bloom_{};
  std::vector<std::unique_ptr<armed_point>> points_;
  std::vector<std::uint32_t> slots_;  // index + 1 into points_; 0 is empty
};

}  // namespace crashpoint::detail
