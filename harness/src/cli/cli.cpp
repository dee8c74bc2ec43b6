// SPDX-License-Identifier: Apache-2.0
// cli.cpp: parses the command line (CLI11) and hands it to one subcommand.
#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "coverage/coverage.hpp"
#include "util/cpu_count.hpp"
#include "util/duration.hpp"
#include "cli/exit_codes.hpp"
#include "cli/init_command.hpp"
#include "workdir/workdir.hpp"

namespace crashpoint::harness {
namespace {

// A repeatable option takes exactly one value per flag: `--filter a b` is the
// filter `a` and the path `b`, never two filters (CLI11 would take both). Its
// help shows one value (`--filter TEXT`), not CLI11's `TEXT ...`.
CLI::Option* repeatable(CLI::Option* option) {
  return option->allow_extra_args(false)->option_text(option->get_type_name());
}

// What `crashpoint --help` ends with, and so the man page (help2man makes
// sections of "Heading:" paragraphs).
const char* const main_footer =
    R"(Run `crashpoint help COMMAND` (or `crashpoint COMMAND --help`) for a command's options.

Exit status:
  0    every run passed (validate: the files are valid)
  1    at least one run failed, or a report could not be written
  2    bad command line, invalid suite or scenario files, or no folder can be made in TMPDIR: nothing ran
  130  interrupted by SIGINT, SIGTERM or SIGHUP: commands killed, partial results reported
  141  stdout closed by its reader (crashpoint run | head): stopped as for 130

Environment:
  TMPDIR            where each session makes its temporary root (default /tmp)
  NO_COLOR          when set and not empty: no colour, unless --color=always
  TEST_TOTAL_SHARDS, TEST_SHARD_INDEX, TEST_SHARD_STATUS_FILE
                    Bazel's test sharding, when --shard is not given (run, list)

Examples:
  crashpoint init --target build/mytool --checkpoint save_after_tmp
      Write scenarios/crashpoint.toml and a first scenario, save_after_tmp.toml.

  crashpoint run -j 4 --junit build/crashpoint.xml scenarios
      Run every scenario at each of its checkpoints, four at a time; also write a JUnit report.

  crashpoint run --only 'save@save_after_tmp' scenarios
      Rerun one run, by the id a failure report names.

  crashpoint explore --double scenarios/save.toml
      Crash at every checkpoint hit the scenario reaches, and in its recovery too.

Documentation: README.md and docs/ in the crashpoint sources.)";

// `--help-all`, and so the man page, shows each command as a heading
// ("crashpoint run [OPTIONS] [PATH...]:", a subsection to help2man), a
// paragraph with its description and positionals, then its options.
class all_commands_formatter : public CLI::Formatter {
 public:
  std::string make_expanded(const CLI::App* sub) const override {
    std::string heading = "\n" + sub->get_parent()->get_name() + " " + sub->get_name() + " [OPTIONS]";
    std::string paragraph = "  " + sub->get_description() + ".";
    std::string options;
    for (const CLI::Option* opt : sub->get_options()) {
      if (opt == sub->get_help_ptr() || opt == sub->get_help_all_ptr()) continue;
      if (opt->nonpositional()) {
        options += make_option(opt, false);
      } else {
        heading += " [" + opt->get_type_name() + "...]";
        paragraph += " " + opt->get_type_name() + ": " + opt->get_description() + ".";
      }
    }
    return heading + ":\n" + paragraph + "\n\n" + options;
  }
};

void add_common(CLI::App& cmd, cli_options& o) {
  cmd.add_option("paths", o.paths, "Scenario files or folders (default: ./scenarios)")->type_name("PATH");
  repeatable(cmd.add_option("--filter", o.filters,
                            "Only runs whose id SCENARIO@CHECKPOINT contains TEXT or matches it as a "
                            "glob (repeat the option for more)")
                 ->type_name("TEXT"));
}

// --only and --shard, for `run` and `list`. The shard text is read through
// `shard` so that `--shard ""` still counts as given.
CLI::Option* add_selection(CLI::App& cmd, cli_options& o, std::string& shard) {
  repeatable(cmd.add_option("--only", o.only,
                            "Only the run with exactly this id SCENARIO@CHECKPOINT (repeat the option "
                            "for more)")
                 ->type_name("ID"));
  return cmd
      .add_option("--shard", shard,
                  "Only the runs of shard K of N, from 1/N; default: Bazel's TEST_SHARD_INDEX and "
                  "TEST_TOTAL_SHARDS when set")
      ->type_name("K/N");
}

// What executing programs takes: `run` and `explore`, and `list` for the
// discovery runs of scenarios with checkpoints = "auto".
void add_execution_options(CLI::App& cmd, cli_options& o) {
  cmd.add_option("-j,--jobs", o.jobs, "Runs executed in parallel (default: the CPUs this process may run on)")
      ->type_name("N")
      ->check(CLI::Range(1u, 1024u));
  cmd.add_option("--target", o.target, "The target executable, overriding [target] command")
      ->type_name("PATH");
  cmd.add_option("--timeout", o.timeout_text,
                 "Per-command timeout for every command, overriding the files (e.g. 30s, 500ms)")
      ->type_name("DURATION");
}

// Which crash points exploration keeps (`run`, `explore`, `list`).
void add_point_options(CLI::App& cmd, explore_options& o) {
  cmd.add_option("--max-hits", o.max_hits, "Explore at most hits 1..N of each checkpoint")->type_name("N");
  repeatable(cmd.add_option("--include", o.include,
                            "Only checkpoints whose name matches this glob (repeat the option for more)")
                 ->type_name("GLOB"));
  repeatable(cmd.add_option("--exclude", o.exclude,
                            "Leave out checkpoints whose name matches this glob (repeat the option for more)")
                 ->type_name("GLOB"));
  cmd.add_flag(
      "--syscalls", o.syscalls,
      "Also crash at every file-system call the crash command makes (sys:CALL@HIT, under crashpoint-record)");
}

void add_run_options(CLI::App& cmd, cli_options& o) {
  add_execution_options(cmd, o);
  cmd.add_option("--keep", o.keep_text, "Which run folders to keep: failed (default), all, none")
      ->type_name("WHICH")
      ->check(CLI::IsMember({"failed", "all", "none"}));
  cmd.add_option("--junit", o.junit_path, "Also write a JUnit XML report to FILE (- for stdout)")
      ->type_name("FILE");
  cmd.add_option("--json", o.json_path,
                 "Also write a JSON report of every run and step to FILE (- for stdout)")
      ->type_name("FILE");
  cmd.add_flag("-q,--quiet", o.quiet, "Print only the failures and the summary");
  cmd.add_option("--crash-states", o.crash_states_text,
                 "Power-loss scenarios: clean (everything unsynced lost) or all (also each in-order prefix "
                 "and torn last write), overriding crash_states")
      ->type_name("WHICH")
      ->check(CLI::IsMember({"clean", "all"}));
  cmd.add_option("--max-states", o.max_states, "At most N crash states per crash point (default 1000)")
      ->type_name("N")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  cmd.add_option("--color", o.colour_text,
                 "Colour the output: auto (default: on a terminal, unless NO_COLOR is set), always, never")
      ->type_name("WHEN")
      ->check(CLI::IsMember({"auto", "always", "never"}));
}

// How `explore`, and `run` for scenarios with checkpoints = "auto", find crash points.
void add_explore_options(CLI::App& cmd, explore_options& o) {
  add_point_options(cmd, o);
  cmd.add_flag("--double", o.double_crash,
               "Also crash recovery at every checkpoint it reaches, then recover cleanly");
}

void add_init_options(CLI::App& cmd, init_options& o) {
  cmd.add_option("--target", o.target, "The program under test (a path, or a name on PATH)")
      ->type_name("PATH")
      ->required();
  cmd.add_option("--checkpoint", o.checkpoint, "A checkpoint in it: the first scenario crashes there")
      ->type_name("NAME")
      ->required();
  cmd.add_option("dir", o.dir,
                 "The folder to write crashpoint.toml and CHECKPOINT.toml in (default: scenarios)")
      ->type_name("DIR")
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
  CLI::App *explore = nullptr, *coverage_command = nullptr, *help = nullptr;
  std::string help_topic;  // `crashpoint help COMMAND`
  std::vector<CLI::Option*> shard_options;
  std::vector<std::string> coverage_paths;
  coverage_options coverage;
};

void define(CLI::App& app, command_line& c) {
  app.require_subcommand(1);
  app.set_version_flag("--version", "crashpoint 0.1.0");
  app.set_help_all_flag("--help-all", "Print this help and every command's options, then exit");
  app.formatter(std::make_shared<all_commands_formatter>());  // before the commands, which copy it
  c.options.jobs = usable_cpu_count();
  c.run = app.add_subcommand("run", "Run every scenario x checkpoint and check recovery");
  c.list = app.add_subcommand("list", "Print the runs that `run` would execute");
  c.validate = app.add_subcommand("validate", "Parse every suite and scenario file; run nothing");
  c.explore = app.add_subcommand("explore", "Crash at every checkpoint hit the scenarios reach");
  c.init_command = app.add_subcommand("init", "Write a starter suite file and a first scenario");
  c.coverage_command =
      app.add_subcommand("coverage", "Which checkpoints the sources define and the scenarios cover");
  c.help = app.add_subcommand("help", "Print this help, or a command's: crashpoint help run");
  c.help->add_option("command", c.help_topic, "The command whose options to print")->type_name("COMMAND");
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
  app.footer(main_footer);  // after the subcommands, which would inherit it
}

// `crashpoint help [COMMAND]`: what `--help` prints, or `COMMAND --help`.
// (App::help() would print the help of `help` itself, the command parsed.)
int print_help(const CLI::App& app, const std::string& topic) {
  const auto help_of = [](const CLI::App* cmd, const std::string& name) {
    return cmd->get_formatter()->make_help(cmd, name, CLI::AppFormatMode::Normal);
  };
  if (topic.empty()) {
    fmt::print("{}", help_of(&app, app.get_name()));
    return exit_ok;
  }
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() != topic) continue;
    fmt::print("{}", help_of(sub, app.get_name() + " " + sub->get_name()));
    return exit_ok;
  }
  fmt::print(stderr, "crashpoint: help: no command `{}`; `crashpoint help` lists them\n", topic);
  return exit_usage;
}

// The subcommand the command line chose, with its options complete.
int run_command_line(command_line& c) {
  if (*c.init_command) return command_init(c.init);
  if (*c.coverage_command) return command_coverage(c.coverage_paths, c.coverage);
  if (!finish(c.options)) return exit_usage;
  c.options.explore_all = c.explore->parsed();
  if (*c.run || *c.explore) return command_run(c.options);
  if (*c.list) return command_list(c.options);
  return command_validate(c.options);
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "crashpoint: crash a program at each checkpoint, rerun it, check that it recovers.\n"
      "Each run arms one checkpoint of the program (CRASHPOINT=NAME) so that it crashes\n"
      "there, then runs recovery in a fresh process and checks the state it left, in a\n"
      "folder of its own: one run per scenario and checkpoint.\n",
      "crashpoint"};
  command_line c;
  if (argc > 0) c.options.program = argv[0];
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
  if (*c.help) return print_help(app, c.help_topic);
  try {
    return run_command_line(c);
  } catch (const temp_root_error& e) {
    fmt::print(stderr, "crashpoint: {}; nothing was run\n", e.what());
    return exit_usage;
  }
}

}  // namespace crashpoint::harness
