// SPDX-License-Identifier: Apache-2.0
// clean_env.hpp: the environment every command starts from.
//
// The harness's own environment, minus the arming variable and every
// crashpoint control variable (`CRASHPOINT`, `CRASHPOINT_*`, `<env_var>`, `<env_var>_*`): a harness that was
// itself started with CRASHPOINT set must not arm setup, recovery or assertion
// commands by accident. Only the crash command gets the arming variable back.
#pragma once

#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace crashpoint::harness {

struct clean_env {
  env_map vars;
  std::vector<std::string> removed;  // names dropped from the harness's environment
};

clean_env make_clean_env(const std::string& env_var);

}  // namespace crashpoint::harness
