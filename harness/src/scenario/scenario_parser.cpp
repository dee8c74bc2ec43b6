// SPDX-License-Identifier: Apache-2.0
// scenario_parser.cpp: a scenario file's table -> scenario.
#include <array>
#include <string_view>
#include <unordered_map>

#include "scenario/scenario_fields.hpp"
#include "scenario/scenario_parser.hpp"

#ifdef CRASHPOINT_HAS_RECORDER
#include "recorder/point.hpp"
#endif

namespace crashpoint::harness::loader {
namespace {

constexpr std::array<std::string_view, 10> scenario_keys{"description", "checkpoints", "timeout", "env",
                                                         "setup",       "crash",       "recover", "assert",
                                                         "idempotent",  "syscalls"};
constexpr std::array<std::string_view, 3> setup_keys{"fixture", "steps", "template"};
constexpr std::array<std::string_view, 7> crash_keys{"command",      "expect",  "status", "model",
                                                     "crash_states", "corrupt", "seed"};
constexpr std::string_view argv_what = "a non-empty array of strings like [\"{target}\", \"arg\"]";

std::string indexed(std::string_view key, std::size_t i) {
  return std::string(key) + "[" + std::to_string(i) + "]";
}

// A `sys:CALL@HIT...` entry is a syscall crash point (recorder/point.hpp):
// one that does not parse is reported at its column, as the recorder would
// refuse it. Other entries are checkpoint names, checked when they run.
bool syscall_point_valid(const std::string& entry, source_location where, const std::string& key,
                         diagnostics_sink& sink) {
  if (!entry.starts_with(recorder_point_prefix)) return true;
#ifdef CRASHPOINT_HAS_RECORDER
  const recorder::parsed_point p = recorder::parse_point(entry);
  if (p) return true;
  where.column += static_cast<std::uint32_t>(p.error.column);  // the entry starts after the quote
  sink.error(where, "`" + key + "`: " + p.error.message);
#else
  sink.error(where,
             "`" + key + "`: syscall crash points need crashpoint-record, which runs on Linux x86-64 only");
#endif
  return false;
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
  if (!syscall_point_valid(*name, first->second, indexed("checkpoints", i), sink)) return;
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
    report_expected(top.sink(), *node, "checkpoints", "a non-empty array of strings, or \"auto\"");
    return;
  }
  out.checkpoints.reserve(array->size());
  std::unordered_map<std::string_view, source_location> seen;
  seen.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) add_checkpoint(*array->get(i), i, top.sink(), seen, out);
}

// `syscalls = true`: discovery (checkpoints = "auto") runs the crash command
// under the recorder too, and every modelled file-system call becomes a crash
// point. Without "auto" there is nothing to discover: an error, not a no-op.
void read_syscalls(const table_reader& top, scenario& out) {
  out.syscalls = top.boolean("syscalls").value_or(false);
  if (!out.syscalls || out.auto_checkpoints) return;
  if (const toml::node* node = top.find("syscalls")) {
    top.sink().error(*node,
                     "`syscalls = true` needs `checkpoints = \"auto\"`: list syscall crash points "
                     "as `sys:CALL@HIT` entries instead");
  }
}

void read_steps(const table_reader& r, scenario& out) {
  const toml::node* node = r.find("steps");
  if (!node) return;
  const auto* steps = node->as_array();
  if (!steps) {
    report_expected(r.sink(), *node, "steps", "an array of commands like [[\"{target}\", \"init\"]]");
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
  if (auto fixture = read_existing_path(r, "fixture", out.file.parent_path(), /*want_folder=*/true)) {
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

// A string key that takes one of `names` (mapped to `values`); absent: unchanged.
template <typename T, std::size_t N>
void read_choice(const table_reader& r, std::string_view key, const std::array<std::string_view, N>& names,
                 const std::array<T, N>& values, T& out) {
  const toml::node* node = r.find(key);
  if (!node) return;
  if (const auto* text = node->as_string()) {
    for (std::size_t i = 0; i < N; ++i) {
      if (text->get() == names[i]) {
        out = values[i];
        return;
      }
    }
  }
  std::string expected;
  for (std::size_t i = 0; i < N; ++i)
    expected += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + in_quotes(names[i]);
  report_expected(r.sink(), *node, key, expected);
}

// model, crash_states, corrupt and seed: what the crash leaves on disk.
void read_crash_model(const table_reader& r, crash_step& out) {
  read_choice(r, "model", std::array<std::string_view, 2>{"process", "power-loss"},
              std::array{crash_model::process, crash_model::power_loss}, out.model);
  read_choice(r, "crash_states", std::array<std::string_view, 2>{"clean", "all"},
              std::array{crash_states::clean, crash_states::all}, out.states);
  read_choice(r, "corrupt", std::array<std::string_view, 4>{"none", "torn", "zero", "garbage"},
              std::array{write_damage::none, write_damage::torn, write_damage::zero, write_damage::garbage},
              out.corrupt);
  if (auto seed = r.integer("seed", 0, INT64_MAX, "a non-negative integer"))
    out.seed = static_cast<std::uint64_t>(*seed);
  if (out.states == crash_states::all && out.model != crash_model::power_loss) {
    r.sink().error(
        *r.find("crash_states"),
        "`crash_states = \"all\"` needs `model = \"power-loss\"`: a process crash leaves one state");
  }
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
  read_crash_model(r, out);
  // A fail point returns an error: the process exits, no signal ends it.
  if (out.expect == expectation::error && out.status && out.status->k == end_condition::kind::signal) {
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

void parse_scenario(const toml::table& root, const suite& owner, diagnostics_sink& sink, scenario& out) {
  table_reader top(root, "at the top level", sink);
  top.reject_unknown_keys(scenario_keys);
  if (auto description = top.string("description")) out.description = *description;
  read_checkpoints(top, out);
  out.idempotent = top.boolean("idempotent").value_or(false);
  read_syscalls(top, out);
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
