// SPDX-License-Identifier: Apache-2.0
// commands.cpp: load, validate, plan and execute: what each subcommand does.
#include "cli/commands.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <map>
#include <set>

#include "report/console_report.hpp"
#include "session/session.hpp"
#include "cli/exit_codes.hpp"
#include "session/interrupt_watch.hpp"
#include "report/json_report.hpp"
#include "report/junit_report.hpp"
#include "report/report_destination.hpp"
#include "cli/rerun_command.hpp"
#include "plan/run_plan.hpp"
#include "scenario/scenario_loader.hpp"
#include "session/session_record.hpp"
#include "session/worker_pool.hpp"
#include "run/setup_template.hpp"
#include "plan/shard.hpp"
#include "plan/target.hpp"
#include "util/terminal.hpp"

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

// The shard to run (--shard, else Bazel's variables), after touching Bazel's
// status file. Empty when either was invalid; the error is printed.
std::optional<shard_choice> shard_or_report(const cli_options& o) {
  shard_choice choice = choose_shard(o.shard_text, [](const char* name) { return std::getenv(name); });
  if (choice.error.empty() && !choice.status_file.empty()) touch_file(choice.status_file, choice.error);
  if (choice.error.empty()) return choice;
  fmt::print(stderr, "crashpoint: {}\n", choice.error);
  return std::nullopt;
}

run_selection selection_of(const cli_options& o) { return {o.filters, o.only, {}}; }

// The scenarios to discover: every one with `checkpoints = "auto"` (every one
// under `explore`) that could hold a selected run. An --only id of another
// scenario needs no discovery of this one.
std::vector<run_spec> bases_to_discover(const load_result& loaded, const cli_options& o) {
  std::vector<std::string> names;
  for (const loaded_suite& s : loaded.suites) {
    for (const scenario& sc : s.scenarios) names.push_back(sc.name);
  }
  std::vector<run_spec> bases = exploration_bases(loaded.suites, o.explore_all);
  const run_selection selection = selection_of(o);
  std::erase_if(bases, [&](const run_spec& b) { return !may_select(selection, b.scen->name, names); });
  for (std::size_t i = 0; i < bases.size(); ++i) bases[i].index = i;
  return bases;
}

// What a session executes: the selected runs of this shard, and the
// discovery runs that failed (of this shard: a failure is reported once).
struct session_plan {
  std::vector<run_spec> runs;  // numbered after the discovery runs
  std::vector<run_result> failed_discoveries;
  bool explored = false;  // some scenario was explored: the crash-point table is printed
};

// The runs that --filter and --only select among the listed and discovered
// ones, then the shard's share of them (which may be none: CI shards can be
// empty). Empty when the selection was invalid: an unknown --only id, or
// nothing selected at all (and no discovery failed, which would explain it).
std::optional<session_plan> plan(const load_result& loaded, const cli_options& o,
                                 const shard_choice& shard, std::size_t discovered, discovery found) {
  run_selection selection = selection_of(o);
  for (const run_result& f : found.failures) selection.undiscovered_scenarios.push_back(f.scenario);
  selected_runs selected = select_runs(plan_runs(loaded.suites, found.points, o.explore_all), selection);
  for (const std::string& e : selected.errors) fmt::print(stderr, "crashpoint: {}\n", e);
  if (!selected.errors.empty()) return std::nullopt;
  if (selected.runs.empty() && found.failures.empty()) {
    if (o.only.empty()) {
      fmt::print(stderr, "crashpoint: no runs match the filter{}\n", o.filters.size() == 1 ? "" : "s");
    } else {
      fmt::print(stderr, "crashpoint: no run matches both --filter and --only\n");
    }
    return std::nullopt;
  }
  session_plan out;
  out.explored = discovered > 0;
  out.runs = std::move(selected.runs);
  out.failed_discoveries = std::move(found.failures);
  if (shard.shard) {
    out.runs = keep_shard(std::move(out.runs), *shard.shard);
    std::erase_if(out.failed_discoveries, [&](const run_result& r) {
      return shard_of(r.scenario + "@" + r.checkpoint, shard.shard->total) != shard.shard->index;
    });
  }
  for (std::size_t i = 0; i < out.runs.size(); ++i) out.runs[i].index = discovered + i;
  return out;
}

run_options run_options_of(const cli_options& o, const interrupt_watch& watch) {
  return {o.timeout, parse_keep(o.keep_text), &watch.stop_flag()};
}

// Where --junit and --json write (either may be absent).
struct report_files {
  std::optional<report_destination> junit, json;

  // `-`: stdout holds only the report, so the console report goes to stderr.
  bool console_to_stderr() const {
    return (junit && junit->given == "-") || (json && json->given == "-");
  }
};

// The report destinations, checked before anything runs; empty (the problems
// printed) when one cannot take a report.
std::optional<report_files> report_files_or_report(const cli_options& o) {
  report_files files;
  std::vector<std::string> problems;
  const auto check = [&](const char* option, const std::string& given, std::optional<report_destination>& out) {
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

// The runs of `planned` that have no result.
std::vector<skipped_run> not_run(const std::vector<run_spec>& planned, const std::vector<run_result>& results) {
  std::set<std::pair<fs::path, std::string>> done;
  for (const run_result& r : results) done.emplace(r.scenario_file, r.checkpoint);
  std::vector<skipped_run> out;
  for (const run_spec& run : planned) {
    const std::string label = run.label.empty() ? run.checkpoint : run.label;
    if (!done.contains({run.scen->file, label})) out.push_back({run.scen->name, label, run.scen->file});
  }
  return out;
}

// How the console report looks on `console`, given --color and --quiet.
console_style style_of(const cli_options& o, std::FILE* console) {
  return {use_colour(colour_mode_of(o.colour_text), console), is_terminal(console), o.quiet,
          [&o](const run_result& r) { return rerun_command(o, r); }};
}

// Executes the plan, printing each result and the summary as they come; the
// discovery runs that failed were printed already.
session_record execute(session_plan plan, const cli_options& o, const temp_root& root,
                       const session_options& opts, console_report& report,
                       const interrupt_watch& watch, const session_start& start) {
  session_record record;
  record.planned = plan.runs.size() + plan.failed_discoveries.size();
  record.started = start.wall;
  record.results = std::move(plan.failed_discoveries);
  std::vector<run_spec> planned = plan.runs;
  const std::size_t next = plan.runs.empty() ? 0 : plan.runs.back().index + 1;
  session_results done = execute_session(
      std::move(plan.runs), o.explore, root, opts, next,
      [&](const run_result& r) { report.result(r); }, watch.stop_flag(),
      [&](const std::vector<run_spec>& more) { report.planned(more.size()); });
  record.planned += done.added_runs.size();
  planned.insert(planned.end(), done.added_runs.begin(), done.added_runs.end());
  for (run_result& r : done.results) record.results.push_back(std::move(r));
  record.interrupted = watch.interrupted();
  if (record.interrupted) record.skipped = not_run(planned, record.results);
  record.duration = std::chrono::steady_clock::now() - start.steady;
  if (plan.explored) report.text("\n" + crash_point_table(record.results));
  report.summary(record.results, record.interrupted);
  return record;
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
  std::vector<run_spec> bases = bases_to_discover(*loaded, o);
  if (!resolve_targets(bases, o)) return exit_usage;
  discovery found;
  if (!bases.empty()) {  // executes programs: a temporary root, and a stop on SIGINT
    const interrupt_watch watch;
    const temp_root root;
    found = discover(bases, o.explore, root, {o.jobs, run_options_of(o, watch)},
                     [](const run_result&) {}, watch.stop_flag());
    root.remove_if_empty();
    if (watch.interrupted()) return exit_interrupted;
  }
  const auto runs = plan(*loaded, o, *shard, bases.size(), std::move(found));
  if (!runs) return exit_usage;
  for (const run_spec& r : runs->runs) fmt::print("{}\n", r.id());
  const std::size_t failed = runs->failed_discoveries.size();
  if (failed == 0) return exit_ok;
  console_report failures(stderr, {});
  for (const run_result& r : runs->failed_discoveries) failures.result(r);
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
  std::vector<run_spec> bases = bases_to_discover(*loaded, o);
  if (!resolve_targets(bases, o) || !reports_spare_inputs(*reports, o, *loaded)) return exit_usage;

  interrupt_watch watch;  // alive until the reports are written: a second ^C waits
  std::FILE* console = reports->console_to_stderr() ? stderr : stdout;
  console_report report(console, style_of(o, console), [&watch] { watch.stop_output_closed(); });
  const temp_root root;
  setup_templates templates(root);  // emptied before the root is removed
  const auto finish = [&] {
    templates.remove_all();
    root.remove_if_empty();
  };
  session_options opts{o.jobs, run_options_of(o, watch)};
  opts.run.templates = &templates;
  discovery found = discover(bases, o.explore, root, opts, [](const run_result&) {}, watch.stop_flag());
  auto runs = watch.interrupted() ? session_plan{{}, std::move(found.failures), true}
                                  : plan(*loaded, o, *shard, bases.size(), std::move(found));
  if (!runs || !resolve_targets(runs->runs, o)) {
    finish();
    return exit_usage;
  }
  report.planned(runs->runs.size() + runs->failed_discoveries.size());
  for (const run_result& r : runs->failed_discoveries) report.result(r);
  session_record record = execute(std::move(*runs), o, root, opts, report, watch, start);
  finish();
  record.shard = shard->shard;
  const bool written = write_reports(*reports, record);
  if (watch.output_closed()) return exit_output_closed;
  if (record.interrupted) return exit_interrupted;
  return record.failed() == 0 && written ? exit_ok : exit_failures;
}

}  // namespace crashpoint::harness
