// commands.cpp: load, validate, plan and execute: what each subcommand does.
#include "commands.hpp"

#include <fmt/format.h>

#include <map>

#include "console_report.hpp"
#include "exit_codes.hpp"
#include "interrupt_watch.hpp"
#include "run_plan.hpp"
#include "scenario_loader.hpp"
#include "session.hpp"
#include "target.hpp"

namespace crashpoint::harness {
namespace {

std::vector<fs::path> as_paths(const std::vector<std::string>& texts) {
  return {texts.begin(), texts.end()};
}

// Loads every file; prints every error. Empty when anything was invalid.
std::optional<load_result> load_or_report(const cli_options& o) {
  load_result loaded = load_scenarios(as_paths(o.paths));
  if (loaded.errors.empty()) return loaded;
  for (const diagnostic& d : loaded.errors) fmt::print(stderr, "{}\n", format_diagnostic(d));
  fmt::print(stderr, "crashpoint: {} error{} in the scenario files; nothing was run\n",
             loaded.errors.size(), loaded.errors.size() == 1 ? "" : "s");
  return std::nullopt;
}

// Resolves each suite's target once and stamps it on its runs.
bool resolve_targets(std::vector<run_spec>& runs, const cli_options& o) {
  std::map<const suite*, fs::path> resolved;
  const auto override_path = o.target.empty() ? std::nullopt : std::optional<fs::path>(o.target);
  for (run_spec& run : runs) {
    auto [it, added] = resolved.emplace(run.target, fs::path{});
    if (added) {
      std::string error;
      it->second = resolve_target(*run.target, override_path, error);
      if (it->second.empty()) {
        fmt::print(stderr, "{}\n", format_diagnostic({run.target->command_where, error}));
        return false;
      }
    }
    run.target_path = it->second;
  }
  return true;
}

keep_policy parse_keep(const std::string& text) {
  if (text == "all") return keep_policy::all;
  if (text == "none") return keep_policy::none;
  return keep_policy::failed;
}

std::optional<std::vector<run_spec>> plan(const load_result& loaded, const cli_options& o) {
  std::vector<run_spec> runs = expand_runs(loaded.suites, o.filters);
  if (runs.empty()) {
    fmt::print(stderr, "crashpoint: no runs match the filter{}\n", o.filters.size() == 1 ? "" : "s");
    return std::nullopt;
  }
  return runs;
}

}  // namespace

int command_validate(const cli_options& o) {
  const auto loaded = load_or_report(o);
  if (!loaded) return exit_usage;
  std::size_t scenarios = 0, runs = 0;
  for (const auto& s : loaded->suites) {
    scenarios += s.scenarios.size();
    for (const auto& sc : s.scenarios) runs += sc.checkpoints.size();
  }
  fmt::print("{} suite{}, {} scenario{}, {} run{}: all valid\n", loaded->suites.size(),
             loaded->suites.size() == 1 ? "" : "s", scenarios, scenarios == 1 ? "" : "s", runs,
             runs == 1 ? "" : "s");
  return exit_ok;
}

int command_list(const cli_options& o) {
  const auto loaded = load_or_report(o);
  if (!loaded) return exit_usage;
  const auto runs = plan(*loaded, o);
  if (!runs) return exit_usage;
  for (const run_spec& r : *runs) fmt::print("{}\n", r.id());
  return exit_ok;
}

int command_run(const cli_options& o) {
  const auto loaded = load_or_report(o);
  if (!loaded) return exit_usage;
  auto runs = plan(*loaded, o);
  if (!runs || !resolve_targets(*runs, o)) return exit_usage;

  const temp_root root;
  interrupt_watch watch;
  session_options opts{o.jobs, {o.timeout, parse_keep(o.keep_text), &watch.stop_flag()}};
  console_report report(stdout);
  std::size_t passed = 0, failed = 0;
  execute_runs(*runs, root, opts, [&](const run_result& r) {
    (r.passed ? passed : failed)++;
    report.result(r);
  }, watch.stop_flag());
  report.summary(passed, failed, watch.interrupted());
  root.remove_if_empty();
  if (watch.interrupted()) return exit_interrupted;
  return failed == 0 ? exit_ok : exit_failures;
}

}  // namespace crashpoint::harness
