// commands.cpp: load, validate, plan and execute: what each subcommand does.
#include "commands.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <map>
#include <set>

#include "console_report.hpp"
#include "explore_session.hpp"
#include "exit_codes.hpp"
#include "interrupt_watch.hpp"
#include "json_report.hpp"
#include "junit_report.hpp"
#include "report_destination.hpp"
#include "rerun_command.hpp"
#include "run_plan.hpp"
#include "scenario_loader.hpp"
#include "session.hpp"
#include "session_record.hpp"
#include "shard.hpp"
#include "target.hpp"
#include "terminal.hpp"

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

// --filter and --only; an --only id of an explored scenario is checked later.
run_selection selection_of(const cli_options& o, const std::vector<run_spec>& bases) {
  run_selection selection{o.filters, o.only, {}};
  for (const run_spec& b : bases) selection.explored_scenarios.push_back(b.scen->name);
  return selection;
}

// The runs that --filter and --only select, then the shard's share of them (which
// may be none: CI shards can be empty). Empty when the selection was invalid.
std::optional<std::vector<run_spec>> plan(const load_result& loaded, const cli_options& o,
                                          const shard_choice& shard,
                                          const std::vector<run_spec>& bases = {}) {
  selected_runs selected = select_runs(loaded.suites, selection_of(o, bases));
  for (const std::string& e : selected.errors) fmt::print(stderr, "crashpoint: {}\n", e);
  if (!selected.errors.empty()) return std::nullopt;
  if (selected.runs.empty() && bases.empty()) {
    if (o.only.empty()) {
      fmt::print(stderr, "crashpoint: no runs match the filter{}\n", o.filters.size() == 1 ? "" : "s");
    } else {
      fmt::print(stderr, "crashpoint: no run matches both --filter and --only\n");
    }
    return std::nullopt;
  }
  if (!shard.shard) return std::move(selected.runs);
  return keep_shard(std::move(selected.runs), *shard.shard);
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
bool reports_spare_inputs(const report_files& files, const cli_options& o, const load_result& loaded,
                          const std::vector<run_spec>& runs, const std::vector<run_spec>& bases) {
  std::vector<fs::path> targets;
  for (const auto* plan : {&runs, &bases}) {
    for (const run_spec& r : *plan) targets.push_back(r.target_path);
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

// What the scenarios to explore need: their bases, and which discovered runs
// the command line selects (--filter, --only, --shard).
exploration exploration_of(const cli_options& o, std::vector<run_spec> bases,
                           const std::optional<shard_spec>& shard) {
  exploration x{std::move(bases), o.explore, {}};
  x.wanted = [selection = selection_of(o, x.bases), shard](const run_spec& run) {
    return selected_by(selection, run) && (!shard || shard_of(run.id(), shard->total) == shard->index);
  };
  return x;
}

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

// Executes the runs (exploring first), printing each result and the summary as
// they come. A stdout nobody reads any more stops the session as a signal would.
session_record execute(const std::vector<run_spec>& runs, exploration explore, const cli_options& o,
                       std::FILE* console, interrupt_watch& watch) {
  session_record record;
  record.planned = runs.size();
  record.started = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  const temp_root root;
  session_options opts{o.jobs, {o.timeout, parse_keep(o.keep_text), &watch.stop_flag()}};
  console_report report(console, style_of(o, console), [&watch] { watch.stop_output_closed(); });
  report.planned(runs.size());
  std::vector<run_spec> planned = runs;
  explore.on_planned = [&](const std::vector<run_spec>& more) {
    planned.insert(planned.end(), more.begin(), more.end());
    report.planned(more.size());
  };
  record.results = execute_session(runs, explore, root, opts,
                                   [&](const run_result& r) { report.result(r); }, watch.stop_flag());
  record.interrupted = watch.interrupted();
  if (record.interrupted) record.skipped = not_run(planned, record.results);
  record.duration = std::chrono::steady_clock::now() - start;
  if (!explore.bases.empty()) report.text("\n" + crash_point_table(record.results));
  report.summary(record.results, record.interrupted);
  root.remove_if_empty();
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
  const auto runs = plan(*loaded, o, *shard);
  if (!runs) return exit_usage;
  for (const run_spec& r : *runs) fmt::print("{}\n", r.id());
  return exit_ok;
}

int command_run(const cli_options& o) {
  const auto shard = shard_or_report(o);
  const auto reports = shard ? report_files_or_report(o) : std::nullopt;
  if (!reports) return exit_usage;
  const auto loaded = load_or_report(o);
  if (!loaded) return exit_usage;
  std::vector<run_spec> bases = exploration_bases(loaded->suites, o.explore_all);
  auto runs = plan(*loaded, o, *shard, bases);
  if (!runs || !resolve_targets(*runs, o) || !resolve_targets(bases, o)) return exit_usage;
  if (!reports_spare_inputs(*reports, o, *loaded, *runs, bases)) return exit_usage;
  if (o.explore_all) runs->clear();  // explore replaces listed checkpoints by discovered ones

  interrupt_watch watch;  // alive until the reports are written: a second ^C waits
  std::FILE* console = reports->console_to_stderr() ? stderr : stdout;
  session_record record =
      execute(*runs, exploration_of(o, std::move(bases), shard->shard), o, console, watch);
  record.shard = shard->shard;
  const bool written = write_reports(*reports, record);
  if (watch.output_closed()) return exit_output_closed;
  if (record.interrupted) return exit_interrupted;
  return record.failed() == 0 && written ? exit_ok : exit_failures;
}

}  // namespace crashpoint::harness
