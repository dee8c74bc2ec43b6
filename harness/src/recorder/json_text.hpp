// SPDX-License-Identifier: Apache-2.0
// json_text.hpp: writing JSON strings fast, for byte strings that may not be
// UTF-8 (file names are bytes).
//
//   fmt::memory_buffer b;
//   if (!append_json_string(b, name)) append_json_string(b, hex_encode(name));  // and say so
//
// The log writes each line by hand (fmt, no DOM) because it runs once per
// traced call; the readers parse with nlohmann::json.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace crashpoint::recorder {

// Appends "text" quoted and escaped; false (and nothing appended) when text
// is not valid UTF-8, which a JSON string cannot carry.
bool append_json_string(fmt::memory_buffer& out, std::string_view text);

std::string hex_encode(std::string_view bytes);                    // "2f746d70"
std::optional<std::string> hex_decode(std::string_view hex_text);  // nullopt on odd length or non-hex

}  // namespace crashpoint::recorder
