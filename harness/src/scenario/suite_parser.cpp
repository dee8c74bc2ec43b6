// SPDX-License-Identifier: Apache-2.0
// suite_parser.cpp: crashpoint.toml -> suite.
#include <algorithm>
#include <array>

#include "scenario/scenario_fields.hpp"
#include "scenario/scenario_parser.hpp"

namespace crashpoint::harness::loader {
namespace {

constexpr std::array<std::string_view, 2> suite_keys{"target", "defaults"};
constexpr std::array<std::string_view, 5> target_keys{"command", "env_var", "crash_message", "fail_message",
                                                      "crash_status"};
constexpr std::array<std::string_view, 2> defaults_keys{"timeout", "env"};
constexpr std::array<std::string_view, 3> state_vars{"CRASHPOINT_WORKDIR", "CRASHPOINT_CHECKPOINT",
                                                     "CRASHPOINT_STATE"};

// A portable environment variable name: [A-Za-z_][A-Za-z0-9_]*.
bool is_variable_name(std::string_view name) {
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (name.empty() || !letter(name.front())) return false;
  for (char c : name) {
    if (!letter(c) && !digit(c)) return false;
  }
  return true;
}

void read_env_var(const table_reader& r, suite& out) {
  auto name = r.string("env_var");
  if (!name) return;
  if (is_variable_name(*name)) {
    out.env_var = *name;
  } else {
    report_expected(r.sink(), *r.find("env_var"), "env_var",
                    "a variable name matching [A-Za-z_][A-Za-z0-9_]*");
  }
}

void parse_target(const table_reader& r, suite& out) {
  r.reject_unknown_keys(target_keys);
  if (auto command = r.string("command", /*allow_empty=*/false)) {
    out.command = *command;
    out.command_where = r.sink().at(*r.find("command"));
  } else if (!r.has("command")) {
    r.report_missing("command", "the program under test, like \"../build/myprogram\"");
  }
  read_env_var(r, out);
  if (auto m = r.string("crash_message", false)) out.crash_message = *m;
  if (auto m = r.string("fail_message", false)) out.fail_message = *m;
  if (auto status = read_end_condition(r, "crash_status")) out.crash_status = *status;
}

void parse_defaults(const table_reader& r, suite& out) {
  r.reject_unknown_keys(defaults_keys);
  if (auto timeout = read_timeout(r, "timeout")) out.timeout = *timeout;
  if (auto env = r.env("env")) out.env = std::move(*env);
  reject_reserved_env(r, "env", out.env_var);
}

}  // namespace

void reject_reserved_env(const table_reader& r, std::string_view key, std::string_view env_var) {
  const toml::table* vars = r.find(key) ? r.find(key)->as_table() : nullptr;
  if (!vars) return;
  for (auto&& [name, value] : *vars) {
    std::string label = "`" + std::string(key) + "." + std::string(name.str()) + "`: ";
    if (name.str() == env_var) {
      r.sink().error(r.sink().at(name.source()),
                     label + "the harness sets " + std::string(env_var) +
                         " itself (the arming variable, for the crash command only)");
    } else if (std::find(state_vars.begin(), state_vars.end(), name.str()) != state_vars.end()) {
      r.sink().error(r.sink().at(name.source()),
                     label + "the harness sets " + std::string(name.str()) + " itself");
    }
  }
}

void parse_suite(const toml::table& root, diagnostics_sink& sink, suite& out) {
  table_reader top(root, "at the top level", sink);
  top.reject_unknown_keys(suite_keys);
  if (const toml::table* target = top.subtable("target")) {
    parse_target(table_reader(*target, "in [target]", sink), out);
  } else if (!top.has("target")) {
    sink.error(top.where(),
               "missing [target] table: expected `[target]` with `command = \"path/to/program\"`");
  }
  if (const toml::table* defaults = top.subtable("defaults")) {
    parse_defaults(table_reader(*defaults, "in [defaults]", sink), out);
  }
}

}  // namespace crashpoint::harness::loader
