// SPDX-License-Identifier: Apache-2.0
// diagnostic.hpp: one problem found in a scenario or suite file, where it is
// and what was expected, as every reader of those files reports it.
//
//   diagnostic d{{"scenarios/save.toml", 3, 1}, "unknown key `comand` (did you mean `command`?)"};
//   format_diagnostic(d) == "scenarios/save.toml:3:1: error: unknown key `comand` (did you mean `command`?)"
#pragma once

#include <string>

#include "scenario/scenario.hpp"

namespace crashpoint::harness {

struct diagnostic {
  source_location where;
  std::string message;
};

// "file:line:column: error: message" (line and column omitted when unknown).
// A file under the current folder is shown relative to it, as a user typed it.
std::string format_diagnostic(const diagnostic& d);

}  // namespace crashpoint::harness
