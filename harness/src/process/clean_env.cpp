// SPDX-License-Identifier: Apache-2.0
// clean_env.cpp: the inherited environment without control variables.
#include "process/clean_env.hpp"

#include <unistd.h>

extern char** environ;

namespace crashpoint::harness {
namespace {

// The variable itself, or one of its family (CRASHPOINT_TRACE, MYTOOL_TRACE).
bool in_family(std::string_view name, std::string_view var) {
  return name == var || (name.size() > var.size() && name.rfind(var, 0) == 0 && name[var.size()] == '_');
}

bool is_control_variable(std::string_view name, std::string_view env_var) {
  return in_family(name, "CRASHPOINT") || in_family(name, env_var);
}

}  // namespace

clean_env make_clean_env(const std::string& env_var) {
  clean_env out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string name(entry.substr(0, eq));
    if (is_control_variable(name, env_var)) {
      out.removed.push_back(name);
    } else {
      out.vars.emplace(name, std::string(entry.substr(eq + 1)));
    }
  }
  return out;
}

}  // namespace crashpoint::harness
