// SPDX-License-Identifier: Apache-2.0
// signal_names.hpp: the one table of the Linux signals the harness and the
// recorder name, both ways.
//
//   signal_name(SIGABRT) == "SIGABRT";  signal_name(42) == "signal 42"
//   signal_number("abrt") == SIGABRT;   signal_number("SIGNOPE") == std::nullopt
//   signal_named("SIGKILL")->ends == true;  signal_named("SIGCHLD")->ends == false
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace crashpoint::harness {

// A standard signal, 1..31 as Linux numbers them. `ends` is false for those
// whose default action does not end a process (a crash cannot end with them).
struct signal_info {
  int number;
  std::string_view name;
  bool ends;
};

std::span<const signal_info> known_signals();                // in number order
const signal_info* signal_named(std::string_view name);      // exactly "SIGABRT"; nullptr if unknown
std::optional<std::string_view> known_signal_name(int sig);  // "SIGABRT"; nullopt if unknown
std::string signal_name(int sig);                            // "SIGABRT"; "signal 42" if unknown
std::optional<int> signal_number(std::string_view name);     // "SIGABRT", "ABRT", "abrt" -> 6

}  // namespace crashpoint::harness
