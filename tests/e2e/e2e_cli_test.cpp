// SPDX-License-Identifier: Apache-2.0
// e2e_cli_test.cpp: the command line: run/list/validate, -j, --keep, --filter,
// --target, exit statuses, the summary line, and errors in the files.
#include <algorithm>

#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::Contains;
using Catch::StartsWith;

namespace {

// Eight runs over the store with a fixed mix of verdicts.
e2e_suite mixed_suite() {
  return e2e_suite(
      store_suite(),
      {{"mixed.toml", R"toml(checkpoints = ["store_after_tmp", "store_after_rename", "store_after_meta",
  "store_after_tmp=kill", "store_after_rename=exit(3)", "not_in_the_code", "store_after_meta=kill",
  "store_write_tmp"]
[setup]
steps = [["{target}", "init"], ["{target}", "set", "5"]]
[crash]
command = ["{target}", "set", "7"]
[[recover]]
command = ["{target}", "get"]
[[assert]]
file = "data/value"
equals = "7\n"
)toml"}});
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("run exits 0 and ends with 'N passed, 0 failed' when every run passes") {
  e2e_suite s(store_suite());
  s.add("ok.toml", store_scenario("store_after_rename"));
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK_THAT(lines_of(r.out.text).front(), StartsWith("PASS  ok  store_after_rename  ("));
  CHECK(last_line(r.out.text) == "1 passed, 0 failed");
  CHECK(r.err.text.empty());
}

TEST_CASE("run exits 1 and counts both verdicts when some run fails") {
  const e2e_suite s = one_pass_one_fail();
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(last_line(r.out.text) == "1 passed, 1 failed");
}

TEST_CASE("run writes no ANSI colour when stdout is not a terminal") {
  const e2e_suite s = one_pass_one_fail();
  const auto r = s.run();
  INFO(shown(r));
  CHECK(r.out.text.find('\033') == std::string::npos);
  CHECK(r.err.text.find('\033') == std::string::npos);
}

TEST_CASE("run -j 4 gives the same verdicts as -j 1") {
  const e2e_suite s = mixed_suite();
  const auto serial = s.run({"-j", "1"});
  const auto parallel = s.run({"-j", "4"});
  INFO(shown(serial));
  INFO(shown(parallel));
  const std::vector<std::string> expected{
      "FAIL  mixed  not_in_the_code",       // not reached
      "FAIL  mixed  store_after_tmp",       // the old value survives
      "FAIL  mixed  store_after_tmp=kill",  // the old value survives
      "FAIL  mixed  store_write_tmp",       // a fail point without expect = "error"
      "PASS  mixed  store_after_meta",     "PASS  mixed  store_after_meta=kill",
      "PASS  mixed  store_after_rename",   "PASS  mixed  store_after_rename=exit(3)",
  };
  CHECK(sorted(verdicts(serial.out.text)) == expected);
  // Parallel runs report in completion order; the verdicts are the same.
  CHECK(sorted(verdicts(parallel.out.text)) == expected);
  CHECK(last_line(parallel.out.text) == "4 passed, 4 failed");
  CHECK(exited_with(parallel, 1));
  // Each run had its own workdir: nothing was left but the failures' dirs.
  CHECK(s.kept_runs().size() == 8);  // 4 from each session
}

TEST_CASE("run -j 1 reports the runs in plan order") {
  const e2e_suite s = mixed_suite();
  const auto r = s.run({"-j", "1"});
  INFO(shown(r));
  const auto v = verdicts(r.out.text);
  REQUIRE(v.size() == 8);
  CHECK(v.front() == "FAIL  mixed  store_after_tmp");
  CHECK(v.back() == "FAIL  mixed  store_write_tmp");
}

TEST_CASE("run --keep failed (the default) keeps a failing run's directory and prints its path") {
  const e2e_suite s = one_pass_one_fail();
  const auto r = s.run();
  INFO(shown(r));
  const std::string kept = value_after(r.out.text, "kept: ");
  REQUIRE_FALSE(kept.empty());
  CHECK(fs::is_directory(fs::path(kept) / "work"));
  CHECK(read_file(fs::path(kept) / "work/data/value") == "7\n");  // the state under test
  // Only the failing run is left under the harness's TMPDIR.
  const auto runs = s.kept_runs();
  REQUIRE(runs.size() == 1);
  CHECK(runs.front() == fs::path(kept));
  CHECK(runs.front().filename() == "0002-old_value@store_after_rename");
}

TEST_CASE("run --keep all keeps every run's directory") {
  const e2e_suite s = one_pass_one_fail();
  const auto r = s.run({"--keep", "all"});
  INFO(shown(r));
  const auto runs = s.kept_runs();
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].filename() == "0001-old_value@store_after_tmp");
  CHECK(runs[1].filename() == "0002-old_value@store_after_rename");
  for (const auto& run : runs) {
    CHECK(fs::is_directory(run / "work"));
    CHECK(fs::is_regular_file(run / "state.json"));
  }
  // Every kept run's path is printed, passing ones too.
  CHECK_THAT(r.out.text,
             Contains("kept: " + runs[0].string() + "\n") && Contains("kept: " + runs[1].string() + "\n"));
}

TEST_CASE("run --keep none removes even a failing run's directory") {
  const e2e_suite s = one_pass_one_fail();
  const auto r = s.run({"--keep", "none"});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, !Contains("kept: "));
  CHECK(s.leftovers().empty());
}

TEST_CASE("nothing is left in TMPDIR when every run passes") {
  e2e_suite s(store_suite());
  s.add("ok.toml", store_scenario("store_after_rename"));
  s.add("ok2.toml", store_scenario("store_after_meta"));
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(s.leftovers().empty());
}

TEST_CASE(
    "a TMPDIR the harness cannot make its folder in is exit 2, naming it, for run, explore and coverage") {
  e2e_suite s(store_suite());
  s.add("ok.toml", store_scenario("store_after_rename"));
  const std::string missing = (s.suite_dir() / "no-such-folder").string();
  for (const std::vector<std::string>& args : {std::vector<std::string>{"run", "."},
                                               {"explore", "."},
                                               {"coverage", "--source", ".", "--run", "."}}) {
    const auto r = s.crashpoint(args, {{"TMPDIR", missing}});
    INFO(shown(r));
    CHECK(exited_with(r, 2));
    CHECK(r.err.text == "crashpoint: cannot create the harness's temporary folder in " + missing +
                            " (TMPDIR): No such file or directory; nothing was run\n");
  }
}

TEST_CASE("list --filter selects runs by substring or glob of SCENARIO@CHECKPOINT") {
  const e2e_suite s = mixed_suite();
  const auto by_text = s.crashpoint({"list", ".", "--filter", "=kill"});
  INFO(shown(by_text));
  CHECK(by_text.out.text == "mixed@store_after_tmp=kill\nmixed@store_after_meta=kill\n");
  const auto by_glob = s.crashpoint({"list", ".", "--filter", "*@store_after_r*"});
  INFO(shown(by_glob));
  CHECK(by_glob.out.text == "mixed@store_after_rename\nmixed@store_after_rename=exit(3)\n");
}

TEST_CASE("run --filter executes only the matching runs") {
  const e2e_suite s = mixed_suite();
  const auto r = s.run({"--filter", "*@store_after_meta", "--filter", "not_in"});
  INFO(shown(r));
  CHECK(sorted(verdicts(r.out.text)) ==
        std::vector<std::string>{"FAIL  mixed  not_in_the_code", "PASS  mixed  store_after_meta"});
  CHECK(last_line(r.out.text) == "1 passed, 1 failed");
}

TEST_CASE("a filter that matches nothing is a usage error") {
  const e2e_suite s = mixed_suite();
  const auto r = s.run({"--filter", "nothing-like-this"});
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK(r.err.text == "crashpoint: no runs match the filter\n");
}

TEST_CASE("list prints one SCENARIO@CHECKPOINT per run, in order") {
  e2e_suite s(store_suite());
  s.add("b.toml", store_scenario("store_after_tmp"));
  s.add("a/deep.toml", R"(checkpoints = ["x", "y,z"]
[crash]
command = ["{target}", "get"]
)");
  const auto r = s.crashpoint({"list", "."});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(r.out.text == "a/deep@x\na/deep@y,z\nb@store_after_tmp\n");
}

TEST_CASE("validate parses everything, runs nothing and summarises") {
  e2e_suite s(store_suite());
  s.add("b.toml", store_scenario("store_after_tmp"));
  s.add("a.toml", R"(checkpoints = ["x", "y"]
[crash]
command = ["{target}", "get"]
)");
  const auto r = s.crashpoint({"validate", "."});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(r.out.text == "1 suite, 2 scenarios, 3 runs: all valid\n");
  CHECK(s.leftovers().empty());
}

TEST_CASE("a bad scenario is exit 2 with file:line:column, and nothing runs") {
  e2e_suite s(store_suite());
  s.add("good.toml", store_scenario("store_after_tmp"));
  s.add("bad.toml", R"(checkpoints = ["store_after_tmp"]
[crash]
command = ["{target}", "set", "7"]
expect = "crashed"
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK(r.out.text.empty());  // not even the good scenario ran
  CHECK_THAT(r.err.text, StartsWith("bad.toml:4:10: error: "));
  CHECK_THAT(r.err.text, Contains("\"crash\" or \"error\""));
  CHECK(last_line(r.err.text) == "crashpoint: 1 error in the scenario files; nothing was run");
}

TEST_CASE("invalid TOML is exit 2 with file:line:column") {
  e2e_suite s(store_suite());
  s.add("broken.toml", "checkpoints = [\"a\"\n[crash]\n");
  const auto r = s.crashpoint({"validate", "."});
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK_THAT(r.err.text, StartsWith("broken.toml:2:1: error: invalid TOML: "));
}

TEST_CASE("an assertion path leaving the workdir is exit 2") {
  e2e_suite s(store_suite());
  s.add("escape.toml", store_scenario("store_after_tmp") + R"(
[[assert]]
file = "../state.json"
exists = true
)");
  const auto r = s.crashpoint({"validate", "."});
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK_THAT(r.err.text, StartsWith("escape.toml:8:8: error: `file`: \"../state.json\" leaves the "
                                    "workdir through \"..\""));
}

TEST_CASE("a missing target is exit 2, naming the suite file and the path") {
  e2e_suite s(suite_toml("build/no-such-program"));
  s.add("a.toml", store_scenario("store_after_tmp"));
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK(r.out.text.empty());
  CHECK(r.err.text == "crashpoint.toml:2:11: error: target " +
                          (s.suite_dir() / "build/no-such-program").string() +
                          " (from [target] command, relative to " + s.suite_dir().string() +
                          ") does not exist (build it, or pass --target)\n");
}

TEST_CASE("run --target replaces the suite's command") {
  e2e_suite s(suite_toml("build/no-such-program"));
  s.add("a.toml", store_scenario("store_after_rename"));
  const auto r = s.run({"--target", store_exe().string()});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(last_line(r.out.text) == "1 passed, 0 failed");
}

TEST_CASE("a missing --target is exit 2 with a message") {
  e2e_suite s(store_suite());
  s.add("a.toml", store_scenario("store_after_rename"));
  const auto r = s.run({"--target", "/nonexistent/store"});
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK_THAT(r.err.text, Contains("error: target /nonexistent/store (from --target) does not exist"));
}

TEST_CASE("a bad option value is exit 2") {
  e2e_suite s(store_suite());
  s.add("a.toml", store_scenario("store_after_rename"));
  CHECK(exited_with(s.run({"--keep", "some"}), 2));
  CHECK(exited_with(s.run({"-j", "0"}), 2));
  const auto r = s.run({"--timeout", "soon"});
  CHECK(exited_with(r, 2));
  CHECK(r.err.text == "crashpoint: --timeout: expected a duration such as 30s or 500ms, got `soon`\n");
}

TEST_CASE("run without paths uses ./scenarios") {
  e2e_suite s(store_suite());
  s.add("scenarios/crashpoint.toml", store_suite());
  s.add("scenarios/ok.toml", store_scenario("store_after_meta"));
  const auto r = s.crashpoint({"list"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(r.out.text == "ok@store_after_meta\n");
}

TEST_CASE("a repeatable option takes one value per flag: the next argument is a path") {
  e2e_suite s(store_suite());
  s.add("other/crashpoint.toml", store_suite());
  s.add("other/ok.toml", store_scenario("store_after_meta"));
  s.add("src/store.cpp", "crashpoint::maybe_panic_at(\"store_after_meta\");\n");
  // Each would take `other` as a second value and fall back to ./scenarios,
  // which does not exist here.
  for (const std::string option : {"--filter", "--only"}) {
    const auto r = s.crashpoint({"list", option, "ok@store_after_meta", "other"});
    INFO(option << "\n" << shown(r));
    CHECK(exited_with(r, 0));
    CHECK(r.out.text == "ok@store_after_meta\n");
  }
  for (const std::string option : {"--include", "--exclude"}) {
    const auto r = s.crashpoint({"run", option, "no_such_checkpoint", "other"});
    INFO(option << "\n" << shown(r));
    CHECK(exited_with(r, 0));
    CHECK(last_line(r.out.text) == "1 passed, 0 failed");
  }
  const auto coverage = s.crashpoint({"coverage", "--source", "src", "other"});
  INFO(shown(coverage));
  CHECK(exited_with(coverage, 0));
  CHECK_THAT(coverage.out.text, Contains("store_after_meta"));
}
