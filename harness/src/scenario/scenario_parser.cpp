// SPDX-License-Identifier: Apache-2.0
// scenario_parser.cpp: a scenario file's table -> scenario.
#include <array>
#include <string_view>
#include <unordered_map>

#include "scenario/scenario_fields.hpp"
#include "scenario/scenario_parser.hpp"

namespace crashpoint::harness::loader {
namespace {

constexpr std::array<std::string_view, 9> scenario_keys{
    "description", "checkpoints", "timeout",  "env",   "setup",
    "crash",       "recover",     "assert",   "idempotent"};
constexpr std::array<std::string_view, 3> setup_keys{"fixture", "steps", "template"};
constexpr std::array<std::string_view, 3> crash_keys{"command", "expect", "status"};
constexpr std::string_view argv_what = "a non-empty array of strings like [\"{target}\", \"arg\"]";

std::string indexed(std::string_view key, std::size_t i) {
  return std::string(key) + "[" + std::to_string(i) + "]";
}

// Adds one checkpoint entry unless it repeats an earlier one (which would
// only run the same thing twice, and is most likely a copy-paste slip).
void add_checkpoint(const toml::node& entry, std::size_t i, diagnostics_sink& sink,
                    std::unordered_map<std::string_view, source_location>& seen, scenario& out) {
  auto name = read_string(entry, indexed("checkpoints", i), sink, /*allow_empty=*/false);
  if (!name) return;
  // Views into the parsed document, which outlives this function's caller.
  auto [first, inserted] = seen.emplace(entry.as_string()->get(), sink.at(entry));
  if (!inserted) {
    sink.error(entry, "`" + indexed("checkpoints", i) + "`: duplicate entry " + in_quotes(*name) +
                          " (first listed at " + line_column(first->second) + ")");
    return;
  }
  out.checkpoints.push_back({std::move(*name), first->second});
}

void read_checkpoints(const table_reader& top, scenario& out) {
  const toml::node* node = top.find("checkpoints");
  if (!node) {
    top.report_missing("checkpoints", "a non-empty array of strings, one run per entry");
    return;
  }
  if (const auto* text = node->as_string(); text && text->get() == "auto") {
    out.auto_checkpoints = true;  // discovered by a traced run (explore.hpp)
    return;
  }
  const auto* array = node->as_array();
  if (!array || array->empty()) {
    report_expected(top.sink(), *node, "checkpoints",
                    "a non-empty array of strings, or \"auto\"");
    return;
  }
  out.checkpoints.reserve(array->size());
  std::unordered_map<std::string_view, source_location> seen;
  seen.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i)
    add_checkpoint(*array->get(i), i, top.sink(), seen, out);
}

void read_steps(const table_reader& r, scenario& out) {
  const toml::node* node = r.find("steps");
  if (!node) return;
  const auto* steps = node->as_array();
  if (!steps) {
    report_expected(r.sink(), *node, "steps",
                    "an array of commands like [[\"{target}\", \"init\"]]");
    return;
  }
  for (std::size_t i = 0; i < steps->size(); ++i) {
    const toml::node& step = *steps->get(i);
    if (auto argv = read_argv(step, indexed("steps", i), r.sink())) {
      out.setup_steps.push_back({std::move(*argv), r.sink().at(step)});
    }
  }
}

void parse_setup(const table_reader& r, scenario& out) {
  r.reject_unknown_keys(setup_keys);
  if (auto fixture =
          read_existing_path(r, "fixture", out.file.parent_path(), /*want_folder=*/true)) {
    const toml::node& node = *r.find("fixture");
    if (auto problem = fixture_folder_problem(out.file.parent_path() / *fixture)) {
      r.sink().error(node, "`fixture`: " + *problem);
    } else {
      out.fixture = *fixture;
      out.fixture_where = r.sink().at(node);
    }
  }
  read_steps(r, out);
  out.template_setup = r.boolean("template").value_or(true);
}

std::optional<expectation> read_expect(const table_reader& r) {
  const toml::node* node = r.find("expect");
  if (!node) return std::nullopt;
  const auto* text = node->as_string();
  if (text && text->get() == "crash") return expectation::crash;
  if (text && text->get() == "error") return expectation::error;
  report_expected(r.sink(), *node, "expect", "\"crash\" or \"error\"");
  return std::nullopt;
}

void parse_crash(const table_reader& r, crash_step& out) {
  r.reject_unknown_keys(crash_keys);
  out.where = r.where();
  if (auto argv = r.argv("command")) {
    out.argv = std::move(*argv);
  } else if (!r.has("command")) {
    r.report_missing("command", argv_what);
  }
  if (auto expect = read_expect(r)) out.expect = *expect;
  out.status = read_end_condition(r, "status");
  // A fail point returns an error: the process exits, no signal ends it.
  if (out.expect == expectation::error && out.status &&
      out.status->k == end_condition::kind::signal) {
    r.sink().error(*r.find("status"),
                   "`status`: expect = \"error\" means the command exits with an error, "
                   "so a signal cannot be its expected end: use an exit code or \"any\"");
    out.status.reset();
  }
}

void read_crash(const table_reader& top, scenario& out) {
  if (const toml::table* crash = top.subtable("crash")) {
    parse_crash(table_reader(*crash, "in [crash]", top.sink()), out.crash);
  } else if (!top.has("crash")) {
    top.sink().error(top.where(), "missing [crash] table: expected `[crash]` with `command = " +
                                      std::string("[\"{target}\", ...]`"));
  }
}

void read_recover_and_assert(const table_reader& top, scenario& out) {
  for (const toml::table* t : top.array_of_tables("recover")) {
    if (auto step = parse_recover_step(table_reader(*t, "in [[recover]]", top.sink()))) {
      out.recover.push_back(std::move(*step));
    }
  }
  for (const toml::table* t : top.array_of_tables("assert")) {
    table_reader r(*t, "in [[assert]]", top.sink());
    if (auto check = parse_assertion(r, out.file.parent_path())) {
      out.asserts.push_back(std::move(*check));
    }
  }
}

}  // namespace

void parse_scenario(const toml::table& root, const suite& owner, diagnostics_sink& sink,
                    scenario& out) {
  table_reader top(root, "at the top level", sink);
  top.reject_unknown_keys(scenario_keys);
  if (auto description = top.string("description")) out.description = *description;
  read_checkpoints(top, out);
  out.idempotent = top.boolean("idempotent").value_or(false);
  out.timeout = read_timeout(top, "timeout");
  if (auto env = top.env("env")) out.env = std::move(*env);
  reject_reserved_env(top, "env", owner.env_var);
  if (const toml::table* setup = top.subtable("setup")) {
    parse_setup(table_reader(*setup, "in [setup]", sink), out);
  }
  read_crash(top, out);
  read_recover_and_assert(top, out);
}

}  // namespace crashpoint::harness::loader
