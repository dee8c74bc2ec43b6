// SPDX-License-Identifier: Apache-2.0
// armed_set.cpp: Bloom filter + open addressing over the armed names.
#include "armed_set.hpp"

#include <cstring>
#include <functional>

namespace crashpoint::detail {
namespace {

// The table hashes every byte: names that share their length, first and last
// 8 bytes pass the Bloom filter together, and must still not share a probe chain.
std::uint64_t table_hash(std::string_view name) noexcept { return std::hash<std::string_view>{}(name); }

}  // namespace

const hit_rule* match_rule(const std::vector<hit_rule>& rules, std::uint64_t hit) noexcept {
  for (const hit_rule& r : rules) {
    if (r.hit == 0 || r.hit == hit) return &r;
  }
  return nullptr;
}

armed_set::armed_set(const std::vector<arming_entry>& entries) {
  std::size_t capacity = 16;
  while (capacity < entries.size() * 2) capacity *= 2;
  slots_.assign(capacity, 0);
  for (const arming_entry& e : entries) insert(e);
}

void armed_set::insert(const arming_entry& entry) {
  const std::uint64_t hash = quick_hash(entry.name);
  const std::size_t slot = slot_of(entry.name, table_hash(entry.name));
  if (slots_[slot] == 0) {
    auto point = std::make_unique<armed_point>();
    point->name = entry.name;
    points_.push_back(std::move(point));
    slots_[slot] = static_cast<std::uint32_t>(points_.size());
    bloom_[(hash & 0xffff) >> 6] |= 1ULL << (hash & 63);
    bloom_[((hash >> 32) & 0xffff) >> 6] |= 1ULL << ((hash >> 32) & 63);
  }
  points_[slots_[slot] - 1]->rules.push_back({entry.hit, entry.act});
}

// The slot holding `name`, or the empty slot where it would go.
std::size_t armed_set::slot_of(std::string_view name, std::uint64_t hash) const noexcept {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = static_cast<std::size_t>(hash) & mask;; i = (i + 1) & mask) {
    const std::uint32_t index = slots_[i];
    if (index == 0 || points_[index - 1]->name == name) return i;
  }
}

armed_point* armed_set::find(std::string_view name) const noexcept {
  if (points_.empty()) return nullptr;
  const std::uint64_t hash = quick_hash(name);
  if (!maybe_contains(hash)) return nullptr;
  const std::uint32_t index = slots_[slot_of(name, table_hash(name))];
  return index == 0 ? nullptr : points_[index - 1].get();
}

}  // namespace crashpoint::detail
