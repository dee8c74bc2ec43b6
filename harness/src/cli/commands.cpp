// SPDX-License-Identifier: Apache-2.0
// commands.cpp: load, validate, plan and execute: what each subcommand does.
#include "cli/commands.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <map>
#include <variant>

#include "report/console_report.hpp"
#include "session/session.hpp"
#include "cli/exit_codes.hpp"
#include "session/interrupt_watch.hpp"
#include "report/json_report.hpp"
#include "report/junit_report.hpp"
#include "report/report_destination.hpp"
#include "cli/rerun_command.hpp"
#include "scenario/scenario_loader.hpp"
#include "session/session_record.hpp"
#include "plan/shard.hpp"
#include "plan/target.hpp"
#include "util/terminal.hpp"

namespace crashpoint::harness {
namespace {

std::vector<fs::path> as_paths(const std::vector<std::string>& texts) { return {texts.begin(), texts.end()}; }

// Loads every file; prints every error. Empty when anything was invalid.
std::optional<load_result> load_or_report(const cli_options& o) {
  load_result loaded = load_scenarios(as_paths(o.paths));
  if (loaded.errors.empty()) return loaded;
  for (const diagnostic& d : loaded.errors) fmt::print(stderr, "{}\n", format_diagnostic(d));
  fmt::print(stderr, "crashpoint: {} error{} in the scenario files; nothing was run\n", loaded.errors.size(),
             loaded.errors.size() == 1 ? "" : "s");
  return std::nullopt;
}

keep_policy parse_keep(const std::string& text) {
  if (text == "all") return keep_policy::all;
  if (text == "none") return keep_policy::none;
  return keep_policy::failed;
}

// The shard to run (--shard, else Bazel's variables), after touching Bazel's
// status file. Empty when either was invalid; the error is printed.
std::optional<shard_choice> shard_or_report(const cli_options& o) {
  shard_choice choice = choose_shard(o.shard_text, [](const char* name) { return std::getenv(name); });
  if (choice.error.empty() && !choice.status_file.empty()) touch_file(choice.status_file, choice.error);
  if (choice.error.empty()) return choice;
  fmt::print(stderr, "crashpoint: {}\n", choice.error);
  return std::nullopt;
}

// What the command line asks of a session, parsed once.
session_request request_of(const cli_options& o, const shard_choice& shard) {
  session_request r;
  r.filters = o.filters;
  r.only = o.only;
  r.shard = shard.shard;
  r.explore = o.explore;
  r.explore_all = o.explore_all;
  if (!o.target.empty()) r.target = fs::path(o.target);
  r.jobs = o.jobs;
  r.run.timeout = o.timeout;
  r.run.keep = parse_keep(o.keep_text);
  if (o.crash_states_text == "all") r.run.states_override = crash_states::all;
  if (o.crash_states_text == "clean") r.run.states_override = crash_states::clean;
  r.run.max_states = o.max_states;
  return r;
}

// The lines that say why the session's plan is unusable: an unknown --only
// id, or nothing selected at all (and no discovery failed, which would explain
// it; nor an interrupt). None when it can be executed or listed; CI shards can
// be empty.
std::vector<std::string> plan_errors(session& s, const cli_options& o, bool interrupted) {
  std::vector<std::string> lines;
  for (const std::string& e : s.plan()) lines.push_back("crashpoint: " + e);
  const auto& discovered = s.discovered();
  const bool failed = std::any_of(discovered.begin(), discovered.end(),
                                  [](const finished_run& f) { return !f.result.passed(); });
  if (!lines.empty() || interrupted || s.selected() > 0 || failed) return lines;
  if (o.only.empty()) {
    lines.push_back(fmt::format("crashpoint: no runs match the filter{}", o.filters.size() == 1 ? "" : "s"));
  } else {
    lines.push_back("crashpoint: no run matches both --filter and --only");
  }
  return lines;
}

// Where --junit and --json write (either may be absent).
struct report_files {
  std::optional<report_destination> junit, json;

  // `-`: stdout holds only the report, so the console report goes to stderr.
  bool console_to_stderr() const { return (junit && junit->given == "-") || (json && json->given == "-"); }
};

// The report destinations, checked before anything runs; empty (the problems
// printed) when one cannot take a report.
std::optional<report_files> report_files_or_report(const cli_options& o) {
  report_files files;
  std::vector<std::string> problems;
  const auto check = [&](const char* option, const std::string& given,
                         std::optional<report_destination>& out) {
    std::string error;
    if (!given.empty()) out = report_destination_of(option, given, error);
    if (!error.empty()) problems.push_back(error);
  };
  check("--junit", o.junit_path, files.junit);
  check("--json", o.json_path, files.json);
  if (files.junit && files.json && files.junit->same_as(*files.json)) {
    problems.push_back("--junit and --json name the same file");
  }
  for (const std::string& p : problems) fmt::print(stderr, "crashpoint: {}\n", p);
  if (!problems.empty()) return std::nullopt;
  return files;
}

// False (printed) when a report would replace or write into what the session
// reads: a suite, scenario, golden or fixture file, the target, a scenario folder.
bool reports_spare_inputs(const report_files& files, const cli_options& o, const load_result& loaded) {
  // Every suite's target that resolves: a run may execute it.
  std::vector<fs::path> targets;
  const auto override_path = o.target.empty() ? std::nullopt : std::optional<fs::path>(o.target);
  for (const loaded_suite& s : loaded.suites) {
    std::string error;
    fs::path target = resolve_target(s.target, override_path, error);
    if (!target.empty()) targets.push_back(std::move(target));
  }
  const session_inputs inputs = inputs_of(as_paths(o.paths), loaded.suites, targets);
  bool ok = true;
  for (const auto* d : {&files.junit, &files.json}) {
    const std::string problem = *d ? input_overwritten(**d, inputs) : "";
    if (!problem.empty()) fmt::print(stderr, "crashpoint: {}; nothing was run\n", problem);
    ok = ok && problem.empty();
  }
  return ok;
}

// Writes the requested report files; prints each failure (with fputs, which
// unlike fmt::print does not throw when stderr is a closed pipe).
bool write_reports(const report_files& files, const session_record& record) {
  bool ok = true;
  const auto write = [&](const std::optional<report_destination>& d, auto text_of) {
    std::string error;
    if (!d || write_report(*d, text_of(record), error)) return;
    std::fputs(("crashpoint: " + error + "\n").c_str(), stderr);
    ok = false;
  };
  write(files.junit, junit_xml);
  write(files.json, json_report_text);
  return ok;
}

// When the session started, by both clocks: the reports' timestamp, and its duration.
struct session_start {
  std::chrono::system_clock::time_point wall = std::chrono::system_clock::now();
  std::chrono::steady_clock::time_point steady = std::chrono::steady_clock::now();
};

// How the console report looks on `console`, given --color and --quiet.
console_style style_of(const cli_options& o, std::FILE* console) {
  return {use_colour(colour_mode_of(o.colour_text), console), is_terminal(console), o.quiet,
          [&o](const run_result& r) { return rerun_command(o, r); }};
}

// Executes the plan, printing each result and the summary as they come; the
// discovery runs that failed were printed already.
session_record execute(session& s, bool explored, console_report& report, const interrupt_watch& watch,
                       const session_start& start) {
  session_record record;
  record.started = start.wall;
  record.results = s.failed_discoveries();
  const auto& finished = s.execute([&](const run_result& r) { report.result(r); },
                                   [&](const std::vector<run_spec>& more) { report.planned(more.size()); });
  for (const finished_run& f : finished) record.results.push_back(f.result);
  record.planned = s.planned() + s.failed_discoveries().size();
  record.interrupted = watch.interrupted();
  if (record.interrupted) record.skipped = s.skipped();
  record.duration = std::chrono::steady_clock::now() - start.steady;
  if (explored) report.text("\n" + crash_point_table(record.results));
  report.summary(record.results, record.interrupted);
  return record;
}

void print_lines(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) fmt::print(stderr, "{}\n", line);
}

// What `list` prints: the selected runs' ids, and the discovery runs that failed.
struct listing {
  std::vector<std::string> ids;
  std::vector<run_result> failed_discoveries;
};

// The listing, or the exit status when there is none (the reason printed
// once the watch is gone: a closed stderr must not throw).
std::variant<listing, int> list_runs(const load_result& loaded, const cli_options& o,
                                     const shard_choice& shard) {
  const session_request request = request_of(o, shard);
  // Only discovery executes programs: then a stop on SIGINT, and a temporary root.
  std::optional<interrupt_watch> watch;
  if (!discovery_runs_of(loaded.suites, request).empty()) watch.emplace();
  const std::atomic<bool> never_stopped{false};
  std::vector<std::string> errors;
  listing out;
  {
    session s(loaded.suites, request, watch ? watch->stop_flag() : never_stopped);
    if (const auto error = s.prepare()) {
      fmt::print(stderr, "{}\n", format_diagnostic(*error));
      return exit_usage;
    }
    if (!s.discovery_runs().empty()) s.discover([](const run_result&) {});
    s.finish();
    if (watch && watch->interrupted()) return exit_interrupted;
    errors = plan_errors(s, o, false);
    for (const run_spec& r : s.runs()) out.ids.push_back(r.id());
    out.failed_discoveries = s.failed_discoveries();
  }
  watch.reset();
  print_lines(errors);
  if (!errors.empty()) return exit_usage;
  return out;
}

}  // namespace

int command_validate(const cli_options& o) {
  const auto loaded = load_or_report(o);
  if (!loaded) return exit_usage;
  std::size_t scenarios = 0, runs = 0;
  for (const auto& s : loaded->suites) {
    scenarios += s.scenarios.size();
    for (const auto& sc : s.scenarios) runs += sc.checkpoints.size();  // "auto": discovered later
  }
  fmt::print("{} suite{}, {} scenario{}, {} run{}: all valid\n", loaded->suites.size(),
             loaded->suites.size() == 1 ? "" : "s", scenarios, scenarios == 1 ? "" : "s", runs,
             runs == 1 ? "" : "s");
  return exit_ok;
}

int command_list(const cli_options& o) {
  const auto shard = shard_or_report(o);
  if (!shard) return exit_usage;
  const auto loaded = load_or_report(o);
  if (!loaded) return exit_usage;
  const auto listed = list_runs(*loaded, o, *shard);
  if (const int* status = std::get_if<int>(&listed)) return *status;
  const listing& runs = std::get<listing>(listed);
  for (const std::string& id : runs.ids) fmt::print("{}\n", id);
  const std::size_t failed = runs.failed_discoveries.size();
  if (failed == 0) return exit_ok;
  console_report failures(stderr, {});
  for (const run_result& r : runs.failed_discoveries) failures.result(r);
  fmt::print(stderr, "crashpoint: {} scenario{} could not be explored (above): {} runs are not listed\n",
             failed, failed == 1 ? "" : "s", failed == 1 ? "its" : "their");
  return exit_failures;
}

int command_run(const cli_options& o) {
  const session_start start;
  const auto shard = shard_or_report(o);
  const auto reports = shard ? report_files_or_report(o) : std::nullopt;
  if (!reports) return exit_usage;
  const auto loaded = load_or_report(o);
  if (!loaded) return exit_usage;

  interrupt_watch watch;  // alive until the reports are written: a second ^C waits
  session_request request = request_of(o, *shard);
  request.share_setups = true;
  session s(loaded->suites, std::move(request), watch.stop_flag());
  if (const auto error = s.prepare()) {
    fmt::print(stderr, "{}\n", format_diagnostic(*error));
    return exit_usage;
  }
  if (!reports_spare_inputs(*reports, o, *loaded)) return exit_usage;
  std::FILE* console = reports->console_to_stderr() ? stderr : stdout;
  console_report report(console, style_of(o, console), [&watch] { watch.stop_output_closed(); });
  s.discover([](const run_result&) {});
  const bool interrupted = watch.interrupted();
  const std::vector<std::string> errors = plan_errors(s, o, interrupted);
  print_lines(errors);
  if (!errors.empty()) return exit_usage;
  if (const auto error = s.resolve_targets()) {
    fmt::print(stderr, "{}\n", format_diagnostic(*error));
    return exit_usage;
  }
  report.planned(s.runs().size() + s.failed_discoveries().size());
  for (const run_result& r : s.failed_discoveries()) report.result(r);
  session_record record = execute(s, interrupted || s.explored(), report, watch, start);
  s.finish();
  record.shard = shard->shard;
  const bool written = write_reports(*reports, record);
  if (watch.output_closed()) return exit_output_closed;
  if (record.interrupted) return exit_interrupted;
  return record.failed() == 0 && written ? exit_ok : exit_failures;
}

}  // namespace crashpoint::harness
