// cli.cpp: parses the command line (CLI11) and drives load, plan and session.
#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <thread>

#include "commands.hpp"
#include "duration.hpp"
#include "exit_codes.hpp"

namespace crashpoint::harness {
namespace {

void add_common(CLI::App& cmd, cli_options& o) {
  cmd.add_option("paths", o.paths, "Scenario files or folders (default: ./scenarios)");
  cmd.add_option("--filter", o.filters,
                 "Only runs whose id SCENARIO@CHECKPOINT contains this text or matches this glob "
                 "(repeatable)");
}

void add_run_options(CLI::App& cmd, cli_options& o) {
  cmd.add_option("-j,--jobs", o.jobs, "Runs executed in parallel (default: the number of cores)")
      ->check(CLI::Range(1u, 1024u));
  cmd.add_option("--target", o.target, "The target executable, overriding [target] command");
  cmd.add_option("--timeout", o.timeout_text,
                 "Per-command timeout for every command, overriding the files (e.g. 30s, 500ms)");
  cmd.add_option("--keep", o.keep_text, "Which run directories to keep: failed (default), all, none")
      ->check(CLI::IsMember({"failed", "all", "none"}));
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"crashpoint: crash a program at each checkpoint, rerun it, check that it recovers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "crashpoint 0.1.0");
  cli_options o;
  o.jobs = std::max(1u, std::thread::hardware_concurrency());
  auto* run = app.add_subcommand("run", "Run every scenario x checkpoint and check recovery");
  auto* list = app.add_subcommand("list", "Print the runs that `run` would execute");
  auto* validate = app.add_subcommand("validate", "Parse every suite and scenario file; run nothing");
  for (auto* cmd : {run, list, validate}) add_common(*cmd, o);
  add_run_options(*run, o);
  list->add_option("--target", o.target, "The target executable, overriding [target] command");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_usage;
  }
  if (!o.timeout_text.empty()) {
    o.timeout = parse_duration(o.timeout_text);
    if (!o.timeout || o.timeout->count() <= 0) {
      fmt::print(stderr, "crashpoint: --timeout: expected a duration such as 30s or 500ms, got `{}`\n",
                 o.timeout_text);
      return exit_usage;
    }
  }
  if (o.paths.empty()) o.paths.push_back("scenarios");
  if (*run) return command_run(o);
  if (*list) return command_list(o);
  return command_validate(o);
}

}  // namespace crashpoint::harness
