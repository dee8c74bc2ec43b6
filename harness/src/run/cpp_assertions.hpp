// SPDX-License-Identifier: Apache-2.0
// cpp_assertions.hpp: the registry behind `[[assert]] cpp = "name"`.
//
// crashpoint::register_assertion (harness.hpp) fills it; the runner looks
// names up when a scenario's assertion refers to one.
#pragma once

#include <string>
#include <vector>

#include "crashpoint/harness.hpp"
#include "scenario/scenario.hpp"

namespace crashpoint::harness {

// Runs the assertion `name` against the given state; returns its failures
// (an escaping exception is one). An unregistered name is a failure too.
std::vector<std::string> run_cpp_assertion(const std::string& name, const fs::path& workdir,
                                           const std::string& scenario, const std::string& checkpoint,
                                           const std::vector<step_report>& steps);

}  // namespace crashpoint::harness
