// cli.cpp: parses the command line (CLI11) and hands it to one subcommand.
#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <thread>

#include "commands.hpp"
#include "coverage.hpp"
#include "duration.hpp"
#include "exit_codes.hpp"
#include "init_command.hpp"

namespace crashpoint::harness {
namespace {

void add_common(CLI::App& cmd, cli_options& o) {
  cmd.add_option("paths", o.paths, "Scenario files or folders (default: ./scenarios)");
  cmd.add_option("--filter", o.filters,
                 "Only runs whose id SCENARIO@CHECKPOINT contains this text or matches this glob "
                 "(repeatable)");
}

// --only and --shard, for `run` and `list`. The shard text is read through
// `shard` so that `--shard ""` still counts as given.
CLI::Option* add_selection(CLI::App& cmd, cli_options& o, std::string& shard) {
  cmd.add_option("--only", o.only, "Only the run with exactly this id SCENARIO@CHECKPOINT (repeatable)");
  return cmd.add_option("--shard", shard,
                        "Only the runs of shard K of N (K/N, from 1/N); default: Bazel's "
                        "TEST_SHARD_INDEX and TEST_TOTAL_SHARDS when set");
}

// What executing programs takes: `run` and `explore`, and `list` for the
// discovery runs of scenarios with checkpoints = "auto".
void add_execution_options(CLI::App& cmd, cli_options& o) {
  cmd.add_option("-j,--jobs", o.jobs, "Runs executed in parallel (default: the number of cores)")
      ->check(CLI::Range(1u, 1024u));
  cmd.add_option("--target", o.target, "The target executable, overriding [target] command");
  cmd.add_option("--timeout", o.timeout_text,
                 "Per-command timeout for every command, overriding the files (e.g. 30s, 500ms)");
}

// Which crash points exploration keeps (`run`, `explore`, `list`).
void add_point_options(CLI::App& cmd, explore_options& o) {
  cmd.add_option("--max-hits", o.max_hits, "Explore at most hits 1..N of each checkpoint");
  cmd.add_option("--include", o.include, "Only checkpoints whose name matches this glob (repeatable)");
  cmd.add_option("--exclude", o.exclude, "Leave out checkpoints whose name matches this glob (repeatable)");
}

void add_run_options(CLI::App& cmd, cli_options& o) {
  add_execution_options(cmd, o);
  cmd.add_option("--keep", o.keep_text, "Which run directories to keep: failed (default), all, none")
      ->check(CLI::IsMember({"failed", "all", "none"}));
  cmd.add_option("--junit", o.junit_path, "Also write a JUnit XML report to this file");
  cmd.add_option("--json", o.json_path, "Also write a JSON report of every run and step to this file");
}

// How `explore`, and `run` for scenarios with checkpoints = "auto", find crash points.
void add_explore_options(CLI::App& cmd, explore_options& o) {
  add_point_options(cmd, o);
  cmd.add_flag("--double", o.double_crash,
               "Also crash recovery at every checkpoint it reaches, then recover cleanly");
}

void add_init_options(CLI::App& cmd, init_options& o) {
  cmd.add_option("--target", o.target, "The program under test (a path, or a name on PATH)")->required();
  cmd.add_option("--checkpoint", o.checkpoint, "A checkpoint in it: the first scenario crashes there")
      ->required();
  cmd.add_option("dir", o.dir, "The folder to write crashpoint.toml and CHECKPOINT.toml in")
      ->capture_default_str();
}

// Checks and completes what CLI11 cannot: false after printing the problem.
bool finish(cli_options& o) {
  if (!o.timeout_text.empty()) {
    o.timeout = parse_duration(o.timeout_text);
    if (!o.timeout || o.timeout->count() <= 0) {
      fmt::print(stderr, "crashpoint: --timeout: expected a duration such as 30s or 500ms, got `{}`\n",
                 o.timeout_text);
      return false;
    }
  }
  if (o.paths.empty()) o.paths.push_back("scenarios");
  return true;
}

// The subcommands, and where their options land.
struct command_line {
  cli_options options;
  init_options init;
  std::string shard;
  CLI::App *run = nullptr, *list = nullptr, *validate = nullptr, *init_command = nullptr;
  CLI::App *explore = nullptr, *coverage_command = nullptr;
  std::vector<CLI::Option*> shard_options;
  std::vector<std::string> coverage_paths;
  coverage_options coverage;
};

void define(CLI::App& app, command_line& c) {
  app.require_subcommand(1);
  app.set_version_flag("--version", "crashpoint 0.1.0");
  c.options.jobs = std::max(1u, std::thread::hardware_concurrency());
  c.run = app.add_subcommand("run", "Run every scenario x checkpoint and check recovery");
  c.list = app.add_subcommand("list", "Print the runs that `run` would execute");
  c.validate = app.add_subcommand("validate", "Parse every suite and scenario file; run nothing");
  c.explore = app.add_subcommand("explore", "Crash at every checkpoint hit the scenarios reach");
  c.init_command = app.add_subcommand("init", "Write a starter suite file and a first scenario");
  c.coverage_command =
      app.add_subcommand("coverage", "Which checkpoints the sources define and the scenarios cover");
  for (auto* cmd : {c.run, c.list, c.validate, c.explore}) add_common(*cmd, c.options);
  for (auto* cmd : {c.run, c.list, c.explore}) {
    c.shard_options.push_back(add_selection(*cmd, c.options, c.shard));
  }
  for (auto* cmd : {c.run, c.explore}) {
    add_run_options(*cmd, c.options);
    add_explore_options(*cmd, c.options.explore);
  }
  add_coverage_options(*c.coverage_command, c.coverage_paths, c.coverage);
  add_execution_options(*c.list, c.options);
  add_point_options(*c.list, c.options.explore);
  add_init_options(*c.init_command, c.init);
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"crashpoint: crash a program at each checkpoint, rerun it, check that it recovers"};
  command_line c;
  define(app, c);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_usage;
  }
  for (const CLI::Option* opt : c.shard_options) {
    if (opt->count() > 0) c.options.shard_text = c.shard;
  }
  if (*c.init_command) return command_init(c.init);
  if (*c.coverage_command) return command_coverage(c.coverage_paths, c.coverage);
  if (!finish(c.options)) return exit_usage;
  c.options.explore_all = c.explore->parsed();
  if (*c.run || *c.explore) return command_run(c.options);
  if (*c.list) return command_list(c.options);
  return command_validate(c.options);
}

}  // namespace crashpoint::harness
