// SPDX-License-Identifier: Apache-2.0
// e2e_clean_env_test.cpp: the clean-environment rule, observed by the commands
// themselves. The harness is started with the arming and trace variables
// already set (as when it runs under a test that uses crashpoint itself); only
// the crash command may see an arming variable, and that one is the harness's.
#include <map>

#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::StartsWith;

namespace {

// Each command of the scenario is the probe; it appends what it sees to
// work/probe.log, one block per command starting "phase NAME".
const std::string probe_scenario =
    "checkpoints = [\"probe_point\"]\n"
    "[setup]\n"
    "steps = [[\"{target}\", \"setup\"]]\n"
    "[crash]\n"
    "command = [\"{target}\", \"crash\"]\n"
    "[[recover]]\n"
    "command = [\"{target}\", \"recover\"]\n"
    "[[assert]]\n"
    "command = [\"{target}\", \"assert\"]\n";

const fs::path probe = shell_fixture("e2e_env_probe.sh");

// probe.log split into its blocks: phase -> the block's lines.
std::map<std::string, std::vector<std::string>> blocks_of(const std::string& log) {
  std::map<std::string, std::vector<std::string>> out;
  std::string phase;
  for (const std::string& line : lines_of(log)) {
    if (line.rfind("phase ", 0) == 0)
      phase = line.substr(6);
    else
      out[phase].push_back(line);
  }
  return out;
}

std::vector<std::string> with_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    if (l.rfind(prefix, 0) == 0) out.push_back(l.substr(prefix.size()));
  }
  return out;
}

std::string value_of(const std::vector<std::string>& lines, const std::string& name) {
  const auto v = with_prefix(lines, name + "=");
  return v.empty() ? "(no line)" : v.front();
}

bool is_inside(const fs::path& p, const fs::path& dir) {
  const fs::path rel = p.lexically_normal().lexically_relative(dir.lexically_normal());
  return !rel.empty() && *rel.begin() != "..";
}

}  // namespace

TEST_CASE("setup, recovery and assertions never see CRASHPOINT* from the harness's environment") {
  e2e_suite s(suite_toml(probe), {{"probe.toml", probe_scenario}});
  const auto r =
      s.run({"--keep", "all"},
            {{"CRASHPOINT", "something"}, {"CRASHPOINT_TRACE", "/some/file"}, {"MYVAR", "from the harness"}});
  INFO(shown(r));
  REQUIRE(exited_with(r, 0));
  const auto runs = s.kept_runs();
  REQUIRE(runs.size() == 1);
  const auto blocks = blocks_of(read_file(runs[0] / "work/probe.log"));
  REQUIRE(blocks.size() == 4);

  CHECK(with_prefix(blocks.at("setup"), "var ").empty());
  // Recovery and assertions get the run's state, and nothing else.
  const std::vector<std::string> state_vars{"CRASHPOINT_CHECKPOINT=probe_point",
                                            "CRASHPOINT_STATE=" + (runs[0] / "state.json").string(),
                                            "CRASHPOINT_WORKDIR=" + (runs[0] / "work").string()};
  CHECK(with_prefix(blocks.at("recover"), "var ") == state_vars);
  CHECK(with_prefix(blocks.at("assert"), "var ") == state_vars);
  // The crash command gets the run's entry and the run's own trace file.
  CHECK(
      with_prefix(blocks.at("crash"), "var ") ==
      std::vector<std::string>{"CRASHPOINT=probe_point", "CRASHPOINT_TRACE=" + (runs[0] / "trace").string()});
  // Other variables pass through to every command.
  for (const auto& [phase, lines] : blocks) {
    INFO(phase);
    CHECK(value_of(lines, "MYVAR") == "from the harness");
  }
}

TEST_CASE("every command gets a HOME and a TMPDIR of its run, beside the workdir") {
  e2e_suite s(suite_toml(probe), {{"probe.toml", probe_scenario}});
  const auto r = s.run({"--keep", "all"});
  INFO(shown(r));
  REQUIRE(exited_with(r, 0));
  const auto runs = s.kept_runs();
  REQUIRE(runs.size() == 1);
  const fs::path work = runs[0] / "work";
  for (const auto& [phase, lines] : blocks_of(read_file(work / "probe.log"))) {
    INFO(phase);
    const fs::path home = value_of(lines, "HOME"), tmp = value_of(lines, "TMPDIR");
    CHECK(home != s.harness_home());
    CHECK(tmp != s.harness_tmp());
    CHECK(fs::is_directory(home));
    CHECK(fs::is_directory(tmp));
    CHECK(home != tmp);
    // Not inside the workdir, so they do not pollute the state under test.
    CHECK_FALSE(is_inside(home, work));
    CHECK_FALSE(is_inside(tmp, work));
    CHECK(value_of(lines, "PWD") == work.string());
  }
}

TEST_CASE("a harness started with CRASHPOINT naming a real checkpoint does not crash setup") {
  // If the harness's CRASHPOINT leaked into setup, `set 5` would abort there.
  e2e_suite s(store_suite(), {{"set.toml", store_scenario("store_after_rename") + R"(
[[recover]]
command = ["{target}", "get"]
stdout_equals = "7\n"
)"}});
  const auto r = s.run({}, {{"CRASHPOINT", "store_after_tmp"}});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(last_line(r.out.text) == "1 passed, 0 failed");
}

TEST_CASE("a suite's own arming variable is withheld from setup and recovery too") {
  e2e_suite s(suite_toml(probe, R"(env_var = "MYTOOL_FAULT_INJECT"
crash_message = "thread 'main' panicked at 'mytool: injected fault at {checkpoint}'"
crash_status = 101
)"),
              {{"probe.toml", probe_scenario}});
  const auto r = s.run({"--keep", "all"}, {{"MYTOOL_FAULT_INJECT", "probe_point"},
                                           {"MYTOOL_FAULT_INJECT_TRACE", "/some/file"},
                                           {"CRASHPOINT", "probe_point"}});
  INFO(shown(r));
  REQUIRE(exited_with(r, 0));
  const auto runs = s.kept_runs();
  REQUIRE(runs.size() == 1);
  const auto blocks = blocks_of(read_file(runs[0] / "work/probe.log"));
  CHECK(with_prefix(blocks.at("setup"), "var ").empty());
  // CRASHPOINT is withheld from the crash command as well: only the suite's
  // variable arms it.
  CHECK(with_prefix(blocks.at("crash"), "var ") ==
        std::vector<std::string>{"MYTOOL_FAULT_INJECT=probe_point",
                                 "MYTOOL_FAULT_INJECT_TRACE=" + (runs[0] / "trace").string()});
  for (const auto& line : with_prefix(blocks.at("recover"), "var ")) {
    CHECK_THAT(line, StartsWith("CRASHPOINT_"));  // only the state variables
  }
}

TEST_CASE("the failure report's reproduction unsets the variables the harness withheld") {
  e2e_suite s(store_suite(), {{"stale.toml", R"(checkpoints = ["store_after_tmp"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "get"]
)"}});
  const auto r = s.run({}, {{"CRASHPOINT", "x"}, {"CRASHPOINT_TRACE", "/some/file"}});
  INFO(shown(r));
  CHECK(has_line(r.out.text, "env -u CRASHPOINT -u CRASHPOINT_TRACE " + store_exe().string() +
                                 " init   # setup: exit 0"));
}
