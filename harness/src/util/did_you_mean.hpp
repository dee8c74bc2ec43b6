// SPDX-License-Identifier: Apache-2.0
// did_you_mean.hpp: the likely intended word for a misspelt one, for messages
// such as "unknown key `comand` (did you mean `command`?)".
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace crashpoint::harness {

// Levenshtein distance, and the candidate closest to `word` when it is close
// enough to be a likely typo (at most a third of the letters differ).
std::size_t edit_distance(std::string_view a, std::string_view b);
std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates);

}  // namespace crashpoint::harness
