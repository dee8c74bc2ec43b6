// SPDX-License-Identifier: Apache-2.0
// coverage_command.cpp: `crashpoint coverage`: options, input checks, traced runs, output.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "coverage/coverage.hpp"
#include "coverage/coverage_render.hpp"
#include "util/cpu_count.hpp"
#include "cli/exit_codes.hpp"
#include "session/interrupt_watch.hpp"
#include "report/report_destination.hpp"
#include "scenario/scenario_loader.hpp"
#include "session/session.hpp"
#include "session/session_record.hpp"
#include "plan/target.hpp"
#include "util/terminal.hpp"

namespace crashpoint::harness {
namespace {

// fputs, not fmt::print: while discovery runs SIGPIPE is ignored, and fmt::print
// throws when stderr is a pipe nobody reads any more.
void print_error(const std::string& message) {
  std::fputs(("crashpoint: " + message + "\n").c_str(), stderr);
}

// Where --json writes, checked before any work (report_destination.hpp); none
// when not asked for. False (printed) when it cannot take the report.
bool json_destination(const std::string& file, std::optional<report_destination>& d) {
  std::string error;
  if (!file.empty()) d = report_destination_of("--json", file, error);
  if (!error.empty()) print_error(error);
  return error.empty();
}

// False (printed) when the report would replace or write into what the
// command reads: the source folders, the scenario files and folders.
bool json_spares_inputs(const std::optional<report_destination>& d, const coverage_options& o,
                        std::vector<std::string> scenario_paths, const std::vector<loaded_suite>& suites) {
  if (!d) return true;
  if (scenario_paths.empty()) scenario_paths.push_back("scenarios");
  session_inputs inputs = inputs_of({scenario_paths.begin(), scenario_paths.end()}, suites, {});
  for (const std::string& dir : o.source_dirs) add_input(inputs, dir, "source file", "source folder");
  const std::string problem = input_overwritten(*d, inputs);
  if (!problem.empty()) print_error(problem + "; nothing was run");
  return problem.empty();
}

// The --source folders scanned; empty (errors printed) when one is unusable.
std::optional<scan_result> scan_or_report(const coverage_options& o) {
  std::string error;
  const auto patterns = compile_patterns(o.patterns, error);
  if (!patterns) {
    print_error(error);
    return std::nullopt;
  }
  scan_result scan = scan_sources({o.source_dirs.begin(), o.source_dirs.end()}, *patterns);
  for (const std::string& w : scan.warnings) print_error("warning: " + w);
  for (const std::string& e : scan.errors) print_error(e);
  if (!scan.errors.empty()) return std::nullopt;
  return scan;
}

std::optional<load_result> load_or_report(std::vector<std::string> paths) {
  if (paths.empty()) paths.push_back("scenarios");
  load_result loaded = load_scenarios({paths.begin(), paths.end()});
  if (loaded.errors.empty()) return loaded;
  for (const diagnostic& d : loaded.errors) fmt::print(stderr, "{}\n", format_diagnostic(d));
  print_error(fmt::format("{} error{} in the scenario files", loaded.errors.size(),
                          loaded.errors.size() == 1 ? "" : "s"));
  return std::nullopt;
}

void print_failed_discovery(const run_result& r) {
  print_error(fmt::format("scenario `{}`: {}", r.scenario, r.reason));
  for (const std::string& d : r.details) std::fputs(("  " + d + "\n").c_str(), stderr);
  if (!r.run_dir.empty()) std::fputs(("  kept: " + display_path(r.run_dir) + "\n").c_str(), stderr);
}

struct discovery {
  std::vector<traced_scenario> traced;  // the scenarios whose traced run passed
  std::size_t failed = 0;
  bool interrupted = false;
};

// Each scenario's crash command once, unarmed and traced, on `jobs` threads;
// none when a target cannot be found (printed).
std::optional<discovery> discover(const std::vector<loaded_suite>& suites, const std::string& target,
                                  unsigned jobs) {
  const interrupt_watch watch;
  session_request request;
  request.explore_all = true;
  if (!target.empty()) request.target = fs::path(target);
  request.jobs = jobs;
  session s(suites, std::move(request), watch.stop_flag());
  if (const auto error = s.prepare()) {
    fmt::print(stderr, "{}\n", format_diagnostic(*error));
    return std::nullopt;
  }
  s.discover([](const run_result&) {});
  s.finish();
  discovery d;
  d.interrupted = watch.interrupted();
  for (const finished_run& f : s.discovered()) {
    if (f.result.passed()) d.traced.push_back({f.run->scen, f.result.trace});
    if (!f.result.passed() && !d.interrupted) print_failed_discovery(f.result);
    if (!f.result.passed()) ++d.failed;
  }
  return d;
}

void print_uncovered(const coverage_report& r) {
  std::vector<std::string> names;
  for (const checkpoint_coverage& c : r.checkpoints) {
    if (!c.defined_at.empty() && c.scenarios.empty()) names.push_back(c.name);
  }
  if (names.empty()) return;
  print_error(fmt::format("--require-all: {} checkpoint{} covered by no scenario: {}", names.size(),
                          names.size() == 1 ? " is" : "s are", fmt::join(names, ", ")));
}

bool write_json(const std::optional<report_destination>& d, const coverage_report& r) {
  std::string error;
  if (!d || write_report(*d, coverage_json_text(r), error)) return true;
  print_error(error);
  return false;
}

}  // namespace

int command_coverage(const std::vector<std::string>& scenario_paths, const coverage_options& o) {
  return command_coverage(scenario_paths, o, stdout);
}

int command_coverage(const std::vector<std::string>& scenario_paths, const coverage_options& o,
                     std::FILE* out) {
  if (o.source_dirs.empty()) {
    print_error("coverage: --source DIR is required: the folder of source files to scan");
    return exit_usage;
  }
  std::optional<report_destination> json;
  if (!json_destination(o.json_file, json)) return exit_usage;
  const auto scan = scan_or_report(o);
  const auto loaded = scan ? load_or_report(scenario_paths) : std::nullopt;
  if (!loaded || !json_spares_inputs(json, o, scenario_paths, loaded->suites)) return exit_usage;
  if (json && json->given == "-") out = stderr;  // stdout holds the report alone

  std::optional<std::vector<traced_scenario>> traces;
  std::size_t failed_runs = 0;
  if (o.run) {
    auto d = discover(loaded->suites, o.target, std::max(1u, o.jobs));
    if (!d) return exit_usage;
    if (d->interrupted) return exit_interrupted;
    traces = std::move(d->traced);
    failed_runs = d->failed;
  }
  coverage_report report = build_coverage(*scan, loaded->suites, traces);
  report.sources = o.source_dirs;
  // The file first: a reader that stops reading the table (`| head`) ends
  // this process with SIGPIPE, and must not cost the report.
  const bool written = write_json(json, report);
  const bool colour = use_colour(colour_mode_of(o.colour_text), out);
  std::fputs(coverage_table(report, colour).c_str(), out);
  std::fflush(out);
  if (o.require_all) print_uncovered(report);
  if (failed_runs > 0 || !written) return exit_failures;
  return coverage_exit_code(report, o.require_all) == 0 ? exit_ok : exit_failures;
}

void add_coverage_options(CLI::App& cmd, std::vector<std::string>& scenario_paths, coverage_options& o) {
  o.jobs = usable_cpu_count();
  cmd.add_option("paths", scenario_paths, "Scenario files or folders (default: ./scenarios)")
      ->type_name("PATH");
  cmd.add_option("--source", o.source_dirs, "A folder of source files to scan for checkpoints (repeatable)")
      ->required()
      ->allow_extra_args(false);
  cmd.add_option("--pattern", o.patterns,
                 "Another regex (RE2 syntax) that defines a checkpoint; capture group 1 is its name "
                 "(repeatable)")
      ->allow_extra_args(false);
  cmd.add_flag("--run", o.run,
               "Also run each scenario's crash command once, unarmed and traced, and report what it reaches");
  cmd.add_flag("--require-all", o.require_all, "Exit 1 when a defined checkpoint is covered by no scenario");
  cmd.add_option("--json", o.json_file, "Also write the report as JSON to this file");
  cmd.add_option("--target", o.target, "The target executable, overriding [target] command (with --run)");
  cmd.add_option("-j,--jobs", o.jobs,
                 "Traced runs executed in parallel (default: the CPUs this process may run on)")
      ->check(CLI::Range(1u, 1024u));
  cmd.add_option("--color", o.colour_text,
                 "Colour the table: auto (default: on a terminal, unless NO_COLOR is set), always, never")
      ->type_name("WHEN")
      ->check(CLI::IsMember({"auto", "always", "never"}));
}

}  // namespace crashpoint::harness
