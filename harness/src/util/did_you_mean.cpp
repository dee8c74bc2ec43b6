// SPDX-License-Identifier: Apache-2.0
#include "util/did_you_mean.hpp"

#include <algorithm>
#include <vector>

namespace crashpoint::harness {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Two rows of the classic dynamic programme: O(|a|*|b|) time, O(|b|) space.
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 0;
  for (std::string_view candidate : candidates) {
    std::size_t d = edit_distance(word, candidate);
    // A typo changes a few letters; beyond a third of the word it is a guess.
    bool close = d * 3 <= std::max(word.size(), candidate.size());
    if (close && (!best || d < best_distance)) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace crashpoint::harness
