// SPDX-License-Identifier: Apache-2.0
// `crashpoint init`'s files: the target path it writes, TOML quoting, and that
// the starter files load as written.
#include <catch2/catch.hpp>

#include <fstream>

#include "cli/init_command.hpp"
#include "scenario/scenario_loader.hpp"
#include "temp_dir.hpp"

using namespace crashpoint::harness;
using Catch::Contains;
using crashpoint::test::temp_dir;

TEST_CASE("init: a bare target name stays a PATH lookup") {
  CHECK(target_command_for("minikv", "/home/me/project/scenarios") == "minikv");
}

TEST_CASE("init: a target path is written relative to the suite folder") {
  CHECK(target_command_for("/home/me/project/build/tool", "/home/me/project/scenarios") == "../build/tool");
  CHECK(target_command_for("/home/me/project/build/tool", "/home/me/project/scenarios/") == "../build/tool");
  // Inside the folder, "./" keeps it a path: a bare name would mean PATH.
  CHECK(target_command_for("/home/me/project/scenarios/tool", "/home/me/project/scenarios") == "./tool");
}

TEST_CASE("init: a target that shares no folder with the suite but the root stays absolute") {
  CHECK(target_command_for("/usr/local/bin/tool", "/home/me/project/scenarios") == "/usr/local/bin/tool");
}

TEST_CASE("init: relative paths are taken from the current folder") {
  const fs::path cwd = fs::current_path();
  CHECK(target_command_for("build/tool", "scenarios") == "../build/tool");
  CHECK(target_command_for("./build/../bin/tool", (cwd / "a/b").string()) == "../../bin/tool");
}

TEST_CASE("init: TOML strings are quoted and escaped") {
  CHECK(toml_quote("plain") == "\"plain\"");
  CHECK(toml_quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(toml_quote("tab\there\n") == "\"tab\\u0009here\\u000A\"");
}

TEST_CASE("init: the starter files load without errors, with the target and checkpoint in place") {
  const temp_dir d;
  std::ofstream(d.path() / "crashpoint.toml") << starter_suite_text("../odd \"name\"/tool", "my dir");
  std::ofstream(d.path() / "save\"it.toml") << starter_scenario_text("save\"it");
  const load_result r = load_scenarios({d.path()});
  for (const auto& e : r.errors) INFO(format_diagnostic(e));
  REQUIRE(r.errors.empty());
  REQUIRE(r.suites.size() == 1);
  CHECK(r.suites[0].target.command == "../odd \"name\"/tool");
  REQUIRE(r.suites[0].scenarios.size() == 1);
  const scenario& sc = r.suites[0].scenarios[0];
  CHECK(values_of(sc.checkpoints) == std::vector<std::string>{"save\"it"});
  CHECK(sc.crash.argv == std::vector<std::string>{"{target}"});
  CHECK(sc.setup_steps.empty());
  CHECK(sc.recover.empty());
  CHECK(sc.asserts.empty());
}

TEST_CASE("init: every optional part is there, commented out, with a pointer to the docs") {
  const std::string suite = starter_suite_text("./tool", "scenarios");
  for (const char* part :
       {"# env_var = ", "# crash_message = ", "# fail_message = ", "# crash_status = ", "# [defaults]",
        "# timeout = ", "# env = ", "docs/scenario-format.md", "crashpoint validate scenarios"}) {
    CHECK_THAT(suite, Contains(part));
  }
  const std::string scen = starter_scenario_text("log_append");
  for (const char* part :
       {"# timeout = ", "# [env]", "# [setup]", "# fixture = ", "# steps = ", "\n[crash]\n", "# expect = ",
        "# status = ", "# [[recover]]", "# [[assert]]", "# file = ", "# glob = ", "docs/scenario-format.md",
        "checkpoints = [\"log_append\"]", "\"log_append@2\""}) {
    CHECK_THAT(scen, Contains(part));
  }
}
