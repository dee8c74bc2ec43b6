// SPDX-License-Identifier: Apache-2.0
// seed_fault_inject.hpp: the algorithm of the seed project crashpoint replaced,
// ported to C++ only so bench_checkpoint can measure it beside crashpoint.
//
// The seed reads HEDDLE_FAULT_INJECT once into a lazily initialised static
// (None when unset, else the comma-separated names) and compares the checkpoint
// name with every entry in turn. Nothing here is used outside bench/.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seed {

inline constexpr const char* env_var = "HEDDLE_FAULT_INJECT";

// The parsed variable: std::nullopt when unset (the seed's `None`).
std::optional<std::vector<std::string>> parse_env();

[[noreturn]] void panic_at(std::string_view name);

// The seed as a program would call it from another module: an ordinary,
// out-of-line function (defined in seed_fault_inject.cpp).
void maybe_panic_at(std::string_view name);

// The same algorithm with its body visible to the caller, so the compiler may
// inline the static's guard check and the `None` test into the loop.
inline void maybe_panic_at_inline(std::string_view name) {
  static const std::optional<std::vector<std::string>> armed = parse_env();
  if (!armed) return;
  for (const std::string& entry : *armed) {
    if (entry == name) panic_at(name);
  }
}

}  // namespace seed
