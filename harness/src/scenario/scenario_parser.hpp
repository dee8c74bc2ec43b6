// SPDX-License-Identifier: Apache-2.0
// scenario_parser.hpp: TOML tables -> the model of scenario.hpp, with checks.
//
// The loader (scenario_loader.cpp) finds and parses the files; these functions
// read one parsed table each. They fill what is valid, report what is not
// through the sink, and leave defaults in place of wrong values.
#pragma once

#include <optional>

#include "scenario/scenario.hpp"
#include "scenario/toml_reader.hpp"

namespace crashpoint::harness::loader {

// crashpoint.toml: [target] and [defaults].
void parse_suite(const toml::table& root, diagnostics_sink& sink, suite& out);

// A scenario file, read against the suite it belongs to (for the arming
// variable's name, which its env tables may not set). out.file must be set:
// fixture and golden-file paths are relative to its folder.
void parse_scenario(const toml::table& root, const suite& owner, diagnostics_sink& sink, scenario& out);

// A [[recover]] entry (a command and what it must print and return).
std::optional<command_check> parse_recover_step(const table_reader& r);

// An [[assert]] entry: exactly one of command, file, glob, cpp.
std::optional<assertion> parse_assertion(const table_reader& r, const fs::path& scenario_dir);

// Reports env keys the harness owns: the arming variable and the state variables.
void reject_reserved_env(const table_reader& r, std::string_view key, std::string_view env_var);

}  // namespace crashpoint::harness::loader
