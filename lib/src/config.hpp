// SPDX-License-Identifier: Apache-2.0
// config.hpp: what the arming variable said, read once per process.
#pragma once

#include <string>

#include "armed_set.hpp"
#include "trace.hpp"

namespace crashpoint::detail {

struct config {
  std::string env_var;  // the arming variable's name: the message prefix
  armed_set armed;
  trace_writer trace;
};

// g_mode when only the arming variable arms names (no trace, no guard alive):
// a checkpoint then needs nothing but the Bloom filter to pass other names.
inline constexpr unsigned char mode_env_only = 3;

// The config once read; set before g_mode (release) first leaves 0.
extern const config* g_config;

// Reads the environment on the first call (thread-safe) and reports invalid
// entries on stderr once.
config& get_config();

// Renames the arming variable; false when get_config() already ran.
bool rename_env_var(std::string_view name);

// Recomputes the fast-path mode after a guard was created or destroyed.
void guard_count_changed(int delta);

}  // namespace crashpoint::detail
