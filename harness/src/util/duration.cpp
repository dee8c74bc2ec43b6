// SPDX-License-Identifier: Apache-2.0
// duration.cpp: parse_duration() and format_duration().
#include "util/duration.hpp"

#include <array>
#include <cstdint>
#include <utility>

namespace crashpoint::harness {
namespace {

using ms_count = std::uint64_t;
// Saturation point: far above any valid timeout, far below overflow when
// multiplied by the largest unit (3.6e6 ms) or added a few times.
constexpr ms_count saturated = 1'000'000'000'000ULL;

// "ms" before "m", so that "5ms" is not read as 5 minutes and a stray "s".
constexpr std::array<std::pair<std::string_view, ms_count>, 4> units{
    {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads digits at the front of `text`, saturating; nullopt when there are none.
std::optional<ms_count> take_number(std::string_view& text) {
  std::size_t i = 0;
  ms_count n = 0;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    n = n * 10 + static_cast<ms_count>(text[i] - '0');
    if (n > saturated) n = saturated;
  }
  if (i == 0) return std::nullopt;
  text.remove_prefix(i);
  return n;
}

std::optional<ms_count> take_unit(std::string_view& text) {
  for (const auto& [name, scale] : units) {
    if (text.starts_with(name)) {
      text.remove_prefix(name.size());
      return scale;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  ms_count total = 0;
  while (!text.empty()) {
    auto number = take_number(text);
    auto scale = number ? take_unit(text) : std::nullopt;
    if (!scale) return std::nullopt;
    total += *number * *scale;
    if (total > saturated) total = saturated;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(total));
}

std::string format_duration(std::chrono::milliseconds d) {
  if (d.count() <= 0) return "0ms";
  auto left = static_cast<ms_count>(d.count());
  std::string out;
  for (auto it = units.rbegin(); it != units.rend(); ++it) {
    const auto& [name, scale] = *it;
    if (left >= scale) {
      out += std::to_string(left / scale);
      out += name;
      left %= scale;
    }
  }
  return out;
}

}  // namespace crashpoint::harness
