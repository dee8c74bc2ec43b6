// SPDX-License-Identifier: Apache-2.0
// console_test.cpp: what `crashpoint run` prints for long sessions. On a
// terminal (a pty, from util-linux `script`): the [n/N] progress counter and
// colour; --color and NO_COLOR; --quiet; the failed runs listed at the end
// with the command that reruns each alone; the default -j from the CPU
// affinity (taskset); `crashpoint help` and the man page.
#include <sched.h>
#include <sys/stat.h>

#include <algorithm>

#include "util/text.hpp"
#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::Contains;
using crashpoint::harness::shell_quote;

namespace {

// `crashpoint args...` from the suite folder, on a terminal: `script` gives it
// a pty and copies what it prints, with the terminal's \r\n made \n again.
crashpoint::harness::command_result on_terminal(const e2e_suite& s, const std::vector<std::string>& args,
                                                env_vars env = {}) {
  std::string line = shell_quote(crashpoint_exe().string());
  for (const std::string& a : args) line += " " + shell_quote(a);
  env.emplace("TMPDIR", s.harness_tmp().string());
  env.emplace("HOME", s.harness_home().string());
  crashpoint::harness::command_result r =
      spawn("/usr/bin/script", {"-qec", line, "/dev/null"}, env, s.suite_dir());
  std::string& text = r.out.text;
  for (auto at = text.find("\r\n"); at != std::string::npos; at = text.find("\r\n", at)) text.erase(at, 1);
  return r;
}

bool has_escape(const std::string& text) { return text.find('\033') != std::string::npos; }

}  // namespace

TEST_CASE("console: on a terminal each result starts with a [n/N] counter, in colour") {
  const e2e_suite s = one_pass_one_fail();
  const auto r = on_terminal(s, {"run", ".", "-j", "1"});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Contains("[1/2] \033[32mPASS\033[0m  old_value  store_after_tmp  ("));
  CHECK_THAT(r.out.text, Contains("[2/2] \033[31;1mFAIL\033[0m  old_value  store_after_rename  ("));
  // Not on a terminal: no counter, no colour.
  const auto piped = s.run({"-j", "1"});
  CHECK(verdicts(piped.out.text) ==
        std::vector<std::string>{"PASS  old_value  store_after_tmp", "FAIL  old_value  store_after_rename"});
  CHECK_FALSE(has_escape(piped.out.text));
}

TEST_CASE("console: exploration's counter counts the crash points once they are discovered") {
  // One traced run discovers four crash points: the first result already
  // knows of all four.
  const e2e_suite s(suite_toml(fixture("explore_store")), {{"put.toml", R"(checkpoints = "auto"
[crash]
command = ["{target}", "put", "a=1", "b=2", "c=3"]
[[recover]]
command = ["{target}", "show"]
)"}});
  const auto r = on_terminal(s, {"run", ".", "-j", "1", "--color=never"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  for (const std::string n : {"1", "2", "3", "4"}) {
    CHECK_THAT(r.out.text, Contains("[" + n + "/4] PASS  put  "));
  }
}

TEST_CASE("console: NO_COLOR turns colour off only when it is set and not empty") {
  const e2e_suite s = one_pass_one_fail();
  const auto empty = on_terminal(s, {"run", "."}, {{"NO_COLOR", ""}});
  INFO(shown(empty));
  CHECK(has_escape(empty.out.text));
  const auto set = on_terminal(s, {"run", "."}, {{"NO_COLOR", "1"}});
  INFO(shown(set));
  CHECK_FALSE(has_escape(set.out.text));
}

TEST_CASE("console: --color=always colours a pipe, --color=never leaves a terminal plain") {
  const e2e_suite s = one_pass_one_fail();
  const auto always = s.run({"--color=always"}, {{"NO_COLOR", "1"}});  // the option wins
  INFO(shown(always));
  CHECK(exited_with(always, 1));
  CHECK_THAT(always.out.text, Contains("\033[32mPASS\033[0m"));
  const auto never = on_terminal(s, {"run", ".", "--color", "never"});
  INFO(shown(never));
  CHECK(exited_with(never, 1));
  CHECK_FALSE(has_escape(never.out.text));
  CHECK(exited_with(s.run({"--color=sometimes"}), 2));
}

TEST_CASE("console: --quiet prints only the failures and the summary") {
  const e2e_suite s = one_pass_one_fail();
  const auto r = s.run({"-q", "-j", "1"});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(verdicts(r.out.text) == std::vector<std::string>{"FAIL  old_value  store_after_rename"});
  CHECK(last_line(r.out.text) == "1 passed, 1 failed");
  // On a terminal a counter line stands for the passes, cleared by what follows.
  const auto term = on_terminal(s, {"run", ".", "--quiet", "-j", "1", "--color=never"});
  INFO(shown(term));
  CHECK_THAT(term.out.text, Contains("[1/2]\r\033[K[2/2] FAIL  old_value  store_after_rename  ("));
}

TEST_CASE("console: the failed runs are listed at the end, each with the command that reruns it") {
  const e2e_suite s = one_pass_one_fail();
  const auto r = s.run({"--keep", "none"});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  const std::string rerun =
      shell_quote(crashpoint_exe().string()) + " run --only 'old_value@store_after_rename' .";
  CHECK_THAT(r.out.text, Contains("failed runs, each with the command that reruns it alone:\n"
                                  "  old_value@store_after_rename\n"
                                  "    " +
                                  rerun +
                                  "\n"
                                  "1 passed, 1 failed\n"));
  // The command, as printed, reruns that run and nothing else.
  const auto again =
      spawn("/bin/sh", {"-c", rerun},
            {{"TMPDIR", s.harness_tmp().string()}, {"HOME", s.harness_home().string()}}, s.suite_dir());
  INFO(shown(again));
  CHECK(verdicts(again.out.text) == std::vector<std::string>{"FAIL  old_value  store_after_rename"});
  CHECK(last_line(again.out.text) == "0 passed, 1 failed");
}

TEST_CASE("console: the rerun command repeats --target and --timeout, and quotes what the shell needs") {
  e2e_suite s(store_suite());
  s.add("it's here/crashpoint.toml", suite_toml("build/no-such-program"));
  s.add("it's here/a.toml", store_scenario("not_in_the_code"));
  const auto r = s.crashpoint({"run", "--target", store_exe().string(), "--timeout", "20s", "it's here"});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Contains("    " + shell_quote(crashpoint_exe().string()) +
                                  " run --only 'a@not_in_the_code' --target " +
                                  shell_quote(store_exe().string()) + " --timeout 20s 'it'\\''s here'\n"));
}

TEST_CASE("console: -j defaults to the CPUs the process may run on, not the machine's") {
  // Two runs that can only pass together: a's setup reads from a FIFO that
  // b's setup writes to. Confined to one CPU, the default -j is 1, the runs
  // go one at a time and each setup times out. (A machine with one CPU
  // cannot tell the difference.)
  cpu_set_t mask;
  REQUIRE(::sched_getaffinity(0, sizeof mask, &mask) == 0);
  std::size_t cpu = 0;
  while (!CPU_ISSET(cpu, &mask)) ++cpu;
  e2e_suite s(store_suite());
  const fs::path fifo = s.suite_dir().parent_path() / "meet";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto scenario = [&](const std::string& step) {
    return R"(checkpoints = ["store_after_tmp"]
timeout = "500ms"
[setup]
steps = [["sh", "-c", ")" +
           step + " '" + fifo.string() + R"('"], ["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
)";
  };
  s.add("a.toml", scenario("read line <"));
  s.add("b.toml", scenario("echo go >"));
  const auto one_cpu =
      spawn("/usr/bin/taskset", {"-c", std::to_string(cpu), crashpoint_exe().string(), "run", "."},
            {{"TMPDIR", s.harness_tmp().string()}, {"HOME", s.harness_home().string()}}, s.suite_dir());
  INFO(shown(one_cpu));
  CHECK(last_line(one_cpu.out.text) == "0 passed, 2 failed");
  CHECK(std::count(one_cpu.out.text.begin(), one_cpu.out.text.end(), '\n') > 2);
  CHECK_THAT(one_cpu.out.text, Contains("setup step 1 `sh -c 'read line <"));
  // With two at once they meet.
  const auto two = s.run({"-j", "2"});
  INFO(shown(two));
  CHECK(last_line(two.out.text) == "2 passed, 0 failed");
}

TEST_CASE("help: `crashpoint help` and `crashpoint help COMMAND` print the help") {
  e2e_suite s(store_suite());
  const auto help = s.crashpoint({"help"});
  const auto dash_help = s.crashpoint({"--help"});
  INFO(shown(help));
  CHECK(exited_with(help, 0));
  CHECK(help.out.text == dash_help.out.text);
  CHECK_THAT(help.out.text, Contains("Usage: crashpoint [OPTIONS] SUBCOMMAND"));
  CHECK_THAT(help.out.text, Contains("\nExit status:\n"));
  CHECK_THAT(help.out.text, Contains("  141  stdout closed by its reader"));

  const auto run_help = s.crashpoint({"help", "run"});
  INFO(shown(run_help));
  CHECK(exited_with(run_help, 0));
  CHECK(run_help.out.text == s.crashpoint({"run", "--help"}).out.text);
  CHECK_THAT(run_help.out.text, Contains("Usage: crashpoint run [OPTIONS]"));
  CHECK_THAT(run_help.out.text, Contains("-q,--quiet"));

  const auto unknown = s.crashpoint({"help", "rnu"});
  CHECK(exited_with(unknown, 2));
  CHECK(unknown.err.text == "crashpoint: help: no command `rnu`; `crashpoint help` lists them\n");
}

TEST_CASE("help: the man page, written by help2man at build time, holds every command's options") {
#ifdef CRASHPOINT_TEST_MAN_PAGE
  const std::string page = read_file(CRASHPOINT_TEST_MAN_PAGE);
  INFO(page);
  CHECK_THAT(page, Contains(".TH CRASHPOINT \"1\""));
  CHECK_THAT(page, Contains("crash a program at each checkpoint, rerun it, check that it recovers"));
  for (const std::string command : {"run", "list", "validate", "explore", "init", "coverage"}) {
    CHECK_THAT(page, Contains(".SS \"crashpoint " + command + " [OPTIONS]"));
  }
  CHECK_THAT(page, Contains("\\fB\\-q\\fR,\\-\\-quiet"));
  CHECK_THAT(page, Contains(".SS \"Exit status:\""));
  CHECK_THAT(page, Contains(".SH ENVIRONMENT"));
#else
  WARN("help2man was not found when this build was configured: no man page to check");
#endif
}
