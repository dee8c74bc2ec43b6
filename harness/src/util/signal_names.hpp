// SPDX-License-Identifier: Apache-2.0
// signal_names.hpp: signal numbers and their names, both ways.
//
//   signal_name(SIGABRT) == "SIGABRT";  signal_name(42) == "signal 42"
//   signal_number("abrt") == SIGABRT;   signal_number("SIGNOPE") == std::nullopt
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crashpoint::harness {

std::string signal_name(int sig);                        // "SIGABRT"; "signal 42" if unknown
std::optional<int> signal_number(std::string_view name);  // "SIGABRT", "ABRT", "abrt" -> 6

}  // namespace crashpoint::harness
