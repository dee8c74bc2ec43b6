// SPDX-License-Identifier: Apache-2.0
// duration.hpp: the duration strings of scenario files and the command line.
//
// A duration is one or more <integer><unit> parts, units `ms`, `s`, `m`, `h`:
// "500ms", "30s", "2m", "1h", "1m30s". A bare number is not a duration: the
// unit is always written, so `timeout = 30` cannot mean 30 ms to one reader
// and 30 s to another.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace crashpoint::harness {

// The duration `text` denotes, or nullopt when it is not one. Huge values
// saturate (they never wrap), so callers can range-check the result.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// The shortest form parse_duration() reads back: "500ms", "1m30s", "24h".
std::string format_duration(std::chrono::milliseconds d);

}  // namespace crashpoint::harness
