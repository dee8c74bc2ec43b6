// SPDX-License-Identifier: Apache-2.0
// text.hpp: small text helpers that messages, reports and rerun commands share.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace crashpoint::harness {

// `text` as one shell word: unchanged when safe, else in single quotes.
std::string shell_quote(const std::string& text);

// `text` between double quotes, as messages name a value the user gave.
std::string in_double_quotes(std::string_view text);

// The last `max_lines` lines of `text`, each indented by `indent`.
std::string tail_lines(const std::string& text, std::size_t max_lines, std::string_view indent);

}  // namespace crashpoint::harness
