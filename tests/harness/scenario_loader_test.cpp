// SPDX-License-Identifier: Apache-2.0
// scenario_loader_test.cpp: load_scenarios() on small TOML trees written to a
// temporary folder: the model it builds, and each error it reports, with the
// exact file:line:column and message.
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>

#include "util/duration.hpp"
#include "scenario/scenario_loader.hpp"
#include "temp_dir.hpp"

namespace {

using namespace crashpoint::harness;
using namespace std::chrono_literals;

using crashpoint::test::temp_dir;

constexpr const char* basic_suite = "[target]\ncommand = \"./prog\"\n";
constexpr const char* basic_crash = "[crash]\ncommand = [\"{target}\"]\n";
// The smallest valid scenario, three lines: checkpoints, [crash], command.
const std::string minimal = std::string("checkpoints = [\"a\"]\n") + basic_crash;

std::string all_errors(const load_result& r) {
  std::string text;
  for (const diagnostic& d : r.errors) text += format_diagnostic(d) + "\n";
  return text;
}

// A tree with a basic suite and one scenario file `s.toml` holding `text`.
load_result load_one(const temp_dir& tree, const std::string& text) {
  tree.write("crashpoint.toml", basic_suite);
  tree.write("s.toml", text);
  return load_scenarios({tree.path()});
}

// Requires exactly one error, at `file`:`line`:`column`, saying `message`.
void require_one_error(const load_result& r, const fs::path& file, std::uint32_t line, std::uint32_t column,
                       const std::string& message) {
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].where.file == file);
  CHECK(r.errors[0].where.line == line);
  CHECK(r.errors[0].where.column == column);
  CHECK(r.errors[0].message == message);
}

// Requires that `r` holds this error among others.
void require_error(const load_result& r, std::uint32_t line, std::uint32_t column,
                   const std::string& message) {
  INFO(all_errors(r));
  bool found = false;
  for (const diagnostic& d : r.errors) {
    found = found || (d.where.line == line && d.where.column == column && d.message == message);
  }
  CHECK(found);
}

const scenario& only_scenario(const load_result& r) {
  INFO(all_errors(r));
  REQUIRE(r.errors.empty());
  REQUIRE(r.suites.size() == 1);
  REQUIRE(r.suites[0].scenarios.size() == 1);
  return r.suites[0].scenarios[0];
}

constexpr const char* full_suite = R"([target]
command = "../build/minikv"
env_var = "MINIKV_FAULT"
crash_message = "{env_var} crash at {checkpoint}"
fail_message = "{env_var} fail at {checkpoint}"
crash_status = 101
[defaults]
timeout = "45s"
env = { LANG = "C", TZ = "UTC" }
)";

constexpr const char* full_scenario = R"(description = "a deposit survives"
checkpoints = ["after_intent", "after_balance", "a,b"]
timeout = "1m30s"
[env]
MODE = "strict"
[setup]
fixture = "fixtures/empty"
steps = [["{target}", "init"], ["{target}", "deposit", "5"]]
[crash]
command = ["{target}", "deposit", "7"]
expect = "error"
status = "any"
[[recover]]
command = ["{target}", "show"]
exit_code = 0
stdout_contains = "balance=12"
stdout_matches = "balance=[0-9]+"
stdout_equals = "balance=12\n"
stderr_contains = "warn"
stderr_matches = "^$"
stderr_equals = ""
[[assert]]
command = ["{target}", "fsck"]
exit_code = 3
stdout_contains = "ok"
[[assert]]
file = "ledger/intent"
exists = false
[[assert]]
file = "ledger/balance"
equals = "12\n"
contains = "12"
matches = "^[0-9]+\n$"
equals_file = "golden/balance.txt"
unchanged = true
[[assert]]
file = "state.json"
json = "/accounts/0"
value = { name = "alice", balance = 12, tags = ["a", 1.5, true] }
[[assert]]
glob = "**/*.tmp"
[[assert]]
glob = "ledger/*"
count = 2
[[assert]]
cpp = "ledger_consistent"
)";

}  // namespace

TEST_CASE("loader: a suite and a scenario using every field load into the model") {
  temp_dir tree;
  tree.write("crashpoint.toml", full_suite);
  fs::path file = tree.write("deposit/basic.toml", full_scenario);
  tree.folder("deposit/fixtures/empty");
  tree.write("deposit/golden/balance.txt", "12\n");
  load_result r = load_scenarios({tree.path()});
  const scenario& s = only_scenario(r);

  const suite& t = r.suites[0].target;
  CHECK(t.file == tree / "crashpoint.toml");
  CHECK(t.dir == tree.path());
  CHECK(t.command == "../build/minikv");
  CHECK((t.command_where.line == 2 && t.command_where.column == 11));
  CHECK(t.env_var == "MINIKV_FAULT");
  CHECK(t.crash_message == "{env_var} crash at {checkpoint}");
  CHECK(t.fail_message == "{env_var} fail at {checkpoint}");
  CHECK(t.crash_status == end_condition{end_condition::kind::exit_code, 101});
  CHECK(t.timeout == 45s);
  CHECK(t.env == env_map{{"LANG", "C"}, {"TZ", "UTC"}});

  CHECK(s.file == file);
  CHECK(s.name == "deposit/basic");
  CHECK(s.description == "a deposit survives");
  CHECK(values_of(s.checkpoints) == std::vector<std::string>{"after_intent", "after_balance", "a,b"});
  REQUIRE(s.checkpoints.size() == 3);
  CHECK((s.checkpoints[1].where.file == file && s.checkpoints[1].where.line == 2 &&
         s.checkpoints[1].where.column == 32));
  CHECK(s.timeout == 90s);
  CHECK(s.env == env_map{{"MODE", "strict"}});
  CHECK(s.fixture == "fixtures/empty");
  CHECK((s.fixture_where.line == 7 && s.fixture_where.column == 11));
  CHECK(values_of(s.setup_steps) ==
        std::vector<std::vector<std::string>>{{"{target}", "init"}, {"{target}", "deposit", "5"}});
  REQUIRE(s.setup_steps.size() == 2);
  CHECK((s.setup_steps[1].where.line == 8 && s.setup_steps[1].where.column == 32));

  CHECK(s.crash.argv == std::vector<std::string>{"{target}", "deposit", "7"});
  CHECK(s.crash.expect == expectation::error);
  CHECK(s.crash.status == end_condition{end_condition::kind::any, 0});
  CHECK((s.crash.where.line == 9 && s.crash.where.column == 1));

  REQUIRE(s.recover.size() == 1);
  const command_check& rec = s.recover[0];
  CHECK(rec.argv == std::vector<std::string>{"{target}", "show"});
  CHECK(rec.exit_code == 0);
  CHECK(rec.stdout_contains == "balance=12");
  CHECK(rec.stdout_matches == "balance=[0-9]+");
  CHECK(rec.stdout_equals == "balance=12\n");
  CHECK(rec.stderr_contains == "warn");
  CHECK(rec.stderr_matches == "^$");
  CHECK(rec.stderr_equals == "");
  CHECK((rec.where.line == 13 && rec.where.column == 1));

  REQUIRE(s.asserts.size() == 7);
  REQUIRE(s.asserts[0].as<command_check>());
  CHECK(s.asserts[0].as<command_check>()->argv == std::vector<std::string>{"{target}", "fsck"});
  CHECK(s.asserts[0].as<command_check>()->exit_code == 3);
  CHECK(s.asserts[0].as<command_check>()->stdout_contains == "ok");
  CHECK((s.asserts[0].where.line == 22 && s.asserts[0].as<command_check>()->where.line == 22));

  REQUIRE(s.asserts[1].as<file_check>());
  CHECK(s.asserts[1].as<file_check>()->path == "ledger/intent");
  CHECK(s.asserts[1].as<file_check>()->exists == false);

  REQUIRE(s.asserts[2].as<file_check>());
  const file_check& f = *s.asserts[2].as<file_check>();
  CHECK(f.path == "ledger/balance");
  CHECK(f.equals == "12\n");
  CHECK(f.contains == "12");
  CHECK(f.matches == "^[0-9]+\n$");
  CHECK(f.equals_file == "golden/balance.txt");
  CHECK(f.unchanged);
  CHECK(!f.exists);
  CHECK((f.where.line == 29 && f.where.column == 1));

  REQUIRE(s.asserts[3].as<file_check>());
  CHECK(s.asserts[3].as<file_check>()->json_pointer == "/accounts/0");
  CHECK(s.asserts[3].as<file_check>()->json_value ==
        R"({"balance":12,"name":"alice","tags":["a",1.5,true]})");

  REQUIRE(s.asserts[4].as<glob_check>());
  CHECK(s.asserts[4].as<glob_check>()->pattern == "**/*.tmp");
  CHECK(s.asserts[4].as<glob_check>()->count == 0);
  REQUIRE(s.asserts[5].as<glob_check>());
  CHECK(s.asserts[5].as<glob_check>()->count == 2);
  REQUIRE(s.asserts[6].as<cpp_check>());
  CHECK(s.asserts[6].as<cpp_check>()->name == "ledger_consistent");
}

TEST_CASE("loader: optional fields take their documented defaults") {
  temp_dir tree;
  load_result r = load_one(tree, minimal);
  const scenario& s = only_scenario(r);
  const suite& t = r.suites[0].target;
  CHECK(t.env_var == "CRASHPOINT");
  CHECK(t.crash_message == "{env_var}: crashing at checkpoint `{checkpoint}` (intentional)");
  CHECK(t.fail_message == "{env_var}: failing at checkpoint `{checkpoint}` (intentional)");
  CHECK(t.crash_status == end_condition{end_condition::kind::signal, 6});
  CHECK(t.timeout == 30s);
  CHECK(t.env.empty());
  CHECK(s.description.empty());
  CHECK(!s.timeout);
  CHECK(!s.fixture);
  CHECK(s.setup_steps.empty());
  CHECK(s.crash.expect == expectation::crash);
  CHECK(!s.crash.status);
  CHECK(s.recover.empty());
  CHECK(s.asserts.empty());
}

TEST_CASE("loader: scenario names are paths relative to the suite folder, sorted by name") {
  temp_dir tree;
  std::string body = minimal;
  tree.write("crashpoint.toml", basic_suite);
  tree.write("zeta.toml", body);
  tree.write("b/deep/two.toml", body);
  tree.write("alpha.toml", body);
  load_result r = load_scenarios({tree.path()});
  INFO(all_errors(r));
  REQUIRE(r.errors.empty());
  REQUIRE(r.suites.size() == 1);
  std::vector<std::string> names;
  for (const scenario& s : r.suites[0].scenarios) names.push_back(s.name);
  CHECK(names == std::vector<std::string>{"alpha", "b/deep/two", "zeta"});
}

TEST_CASE("loader: each scenario attaches to the nearest crashpoint.toml above it") {
  temp_dir tree;
  std::string body = minimal;
  tree.write("crashpoint.toml", basic_suite);
  tree.write("a/b/c/far.toml", body);
  tree.write("sub/crashpoint.toml", "[target]\ncommand = \"./other\"\n");
  tree.write("sub/x/near.toml", body);
  load_result r = load_scenarios({tree.path()});
  INFO(all_errors(r));
  REQUIRE(r.errors.empty());
  REQUIRE(r.suites.size() == 2);  // sorted by path
  CHECK(r.suites[0].target.file == tree / "crashpoint.toml");
  REQUIRE(r.suites[0].scenarios.size() == 1);
  CHECK(r.suites[0].scenarios[0].name == "a/b/c/far");
  CHECK(r.suites[1].target.command == "./other");
  REQUIRE(r.suites[1].scenarios.size() == 1);
  // Two suites: names start with the suite folder, relative to the one that holds both.
  CHECK(r.suites[1].scenarios[0].name == "sub/x/near");
}

TEST_CASE("loader: with two suites, same-named scenarios get their suite folder as a prefix") {
  temp_dir tree;
  tree.write("app/scenarios/crashpoint.toml", basic_suite);
  tree.write("app/scenarios/save.toml", minimal);
  tree.write("lib/scenarios/crashpoint.toml", basic_suite);
  tree.write("lib/scenarios/save.toml", minimal);
  load_result r = load_scenarios({tree / "lib/scenarios", tree / "app/scenarios"});
  INFO(all_errors(r));
  REQUIRE(r.errors.empty());
  REQUIRE(r.suites.size() == 2);
  REQUIRE(r.suites[0].scenarios.size() == 1);
  REQUIRE(r.suites[1].scenarios.size() == 1);
  CHECK(r.suites[0].scenarios[0].name == "app/scenarios/save");
  CHECK(r.suites[1].scenarios[0].name == "lib/scenarios/save");
  // One suite alone keeps the short names.
  CHECK(only_scenario(load_scenarios({tree / "app/scenarios"})).name == "save");
}

TEST_CASE("loader: a file reached through two paths is loaded once") {
  temp_dir tree;
  tree.write("suite/crashpoint.toml", basic_suite);
  tree.write("suite/save.toml", minimal);
  fs::create_directory_symlink("suite", tree / "link");
  fs::create_hard_link(tree / "suite/save.toml", tree / "suite/save_again.toml");

  load_result r = load_scenarios({tree / "suite", tree / "link"});
  INFO(all_errors(r));
  REQUIRE(r.errors.empty());
  REQUIRE(r.suites.size() == 1);  // the suite file too is one file
  CHECK(r.suites[0].target.file == tree / "suite/crashpoint.toml");
  REQUIRE(r.suites[0].scenarios.size() == 1);
  CHECK(r.suites[0].scenarios[0].file == tree / "suite/save.toml");

  // The link first: its paths are kept; one file from each path: one suite.
  load_result mixed = load_scenarios({tree / "link/save.toml", tree / "suite/crashpoint.toml"});
  INFO(all_errors(mixed));
  REQUIRE(mixed.errors.empty());
  REQUIRE(mixed.suites.size() == 1);
  REQUIRE(mixed.suites[0].scenarios.size() == 1);
  CHECK(mixed.suites[0].scenarios[0].file == tree / "link/save.toml");
  CHECK(mixed.suites[0].scenarios[0].name == "save");
}

TEST_CASE("loader: a scenario with no crashpoint.toml above it is an error naming where it looked") {
  temp_dir tree;
  fs::path file = tree.write("orphans/s.toml", minimal);
  load_result r = load_scenarios({tree / "orphans"});
  // The temp folder is assumed to have no crashpoint.toml above it.
  require_one_error(r, file, 0, 0,
                    "no crashpoint.toml in " + (tree / "orphans").string() +
                        " or any folder above it: each scenario needs a suite file");
}

TEST_CASE("loader: a path that does not exist is an error") {
  temp_dir tree;
  load_result r = load_scenarios({tree / "missing"});
  require_one_error(r, tree / "missing", 0, 0, "no such file or folder");
}

TEST_CASE("loader: a folder without scenario files is an error") {
  temp_dir tree;
  tree.write("crashpoint.toml", basic_suite);
  tree.write("notes.txt", "not a scenario");
  load_result r = load_scenarios({tree.path()});
  require_one_error(r, tree.path(), 0, 0, "no scenario files under " + tree.path().string());
}

TEST_CASE("loader: a named file is a scenario even where a folder search would skip it") {
  temp_dir tree;
  tree.write("crashpoint.toml", basic_suite);
  std::string body = minimal;
  tree.write(".hidden/skipped.toml", body);
  fs::path named = tree.write(".hidden/named.scenario", body);
  tree.write("visible.toml", body);

  load_result searched = load_scenarios({tree.path()});
  REQUIRE(searched.suites.size() == 1);
  REQUIRE(searched.suites[0].scenarios.size() == 1);
  CHECK(searched.suites[0].scenarios[0].name == "visible");

  CHECK(only_scenario(load_scenarios({named})).name == ".hidden/named.scenario");
}

TEST_CASE("loader: a named crashpoint.toml stands for its folder") {
  temp_dir tree;
  tree.write("crashpoint.toml", basic_suite);
  tree.write("s.toml", minimal);
  CHECK(only_scenario(load_scenarios({tree / "crashpoint.toml"})).name == "s");
}

TEST_CASE("loader: .toml files inside a fixture folder or used as golden files are not scenarios") {
  temp_dir tree;
  tree.write("crashpoint.toml", basic_suite);
  tree.write("s.toml", std::string("checkpoints = [\"a\"]\n[setup]\nfixture = \"fx\"\n") + basic_crash +
                           "[[assert]]\nfile = \"out.toml\"\nequals_file = \"golden/out.toml\"\n");
  tree.write("fx/config/app.toml", "not = [valid");
  tree.write("golden/out.toml", "x = 1\n");
  CHECK(only_scenario(load_scenarios({tree.path()})).name == "s");
}

TEST_CASE("loader: a TOML syntax error names its line and column") {
  temp_dir tree;
  load_result r = load_one(tree, "checkpoints = [\"a\"]\ntimeout = \n");
  require_one_error(r, tree / "s.toml", 2, 11,
                    "invalid TOML: Error while parsing key-value pair: expected value, saw '\\n'");
}

TEST_CASE("loader: invalid UTF-8 is reported with its location") {
  temp_dir tree;
  load_result r = load_one(tree, "checkpoints = [\"a\"]\ndescription = \"caf\xC3\x28\"\n");
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].where.line == 2);
  CHECK(r.errors[0].where.column > 0);
  CHECK(r.errors[0].message == "invalid TOML: Encountered invalid utf-8 sequence");
}

TEST_CASE("loader: an unknown key suggests the closest allowed key") {
  temp_dir tree;
  load_result r = load_one(tree, "checkpoints = [\"a\"]\n[crash]\ncomand = [\"{target}\"]\n");
  require_error(r, 3, 1, "unknown key `comand` in [crash] (did you mean `command`?)");
  require_error(r, 2, 1,
                "missing `command` in [crash]: expected a non-empty array of strings like "
                "[\"{target}\", \"arg\"]");
}

TEST_CASE("loader: an unknown key far from any allowed key lists the allowed keys") {
  temp_dir tree;
  load_result r = load_one(tree, minimal + "verbose = true\n");
  require_one_error(
      r, tree / "s.toml", 4, 1,
      "unknown key `verbose` in [crash] (expected one of: `command`, `expect`, `status`, `model`, "
      "`crash_states`, `corrupt`, `seed`)");
}

TEST_CASE("loader: an unknown top-level key suggests the closest one") {
  temp_dir tree;
  load_result r = load_one(tree, std::string("checkpoint = [\"a\"]\n") + basic_crash);
  require_error(r, 1, 1, "unknown key `checkpoint` at the top level (did you mean `checkpoints`?)");
  require_error(r, 1, 1,
                "missing `checkpoints` at the top level: expected a non-empty array of strings, "
                "one run per entry");
}

TEST_CASE("loader: a wrong type names the key, what was expected and the type found") {
  temp_dir tree;
  load_result r = load_one(tree, std::string("checkpoints = [\"a\"]\ntimeout = 30\n") + basic_crash);
  require_one_error(r, tree / "s.toml", 2, 11,
                    "`timeout`: expected a duration string like \"30s\" or \"500ms\", got integer");
}

TEST_CASE("loader: absurd and malformed timeouts are errors") {
  temp_dir tree;
  tree.write("crashpoint.toml", "[target]\ncommand = \"./prog\"\n[defaults]\ntimeout = \"25h\"\n");
  tree.write("s.toml", std::string("checkpoints = [\"a\"]\ntimeout = \"0s\"\n") + basic_crash);
  tree.write("t.toml", std::string("checkpoints = [\"a\"]\ntimeout = \"30 sec\"\n") + basic_crash);
  load_result r = load_scenarios({tree.path()});
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 3);
  CHECK(r.errors[0].where.file == tree / "crashpoint.toml");
  CHECK(r.errors[0].message == "`timeout`: expected a duration between 1ms and 24h, got \"25h\"");
  CHECK(r.errors[1].where.file == tree / "s.toml");
  CHECK(r.errors[1].message == "`timeout`: expected a duration between 1ms and 24h, got \"0s\"");
  CHECK(r.errors[2].where.file == tree / "t.toml");
  CHECK(r.errors[2].message ==
        "`timeout`: expected a duration string like \"30s\" or \"500ms\", got \"30 sec\"");
}

TEST_CASE("loader: checkpoints must be a non-empty array of non-empty strings") {
  temp_dir tree;
  CHECK(load_one(tree, std::string("checkpoints = []\n") + basic_crash).errors.at(0).message ==
        "`checkpoints`: expected a non-empty array of strings, or \"auto\", got an empty array");
  CHECK(load_one(tree, std::string("checkpoints = \"manual\"\n") + basic_crash).errors.at(0).message ==
        "`checkpoints`: expected a non-empty array of strings, or \"auto\", got \"manual\"");
  const load_result automatic = load_one(tree, std::string("checkpoints = \"auto\"\n") + basic_crash);
  CHECK(automatic.errors.empty());
  REQUIRE(automatic.suites.size() == 1);
  CHECK(automatic.suites[0].scenarios.at(0).auto_checkpoints);
  load_result r = load_one(tree, std::string("checkpoints = [\"a\", 7, \"\"]\n") + basic_crash);
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 2);
  require_error(r, 1, 21, "`checkpoints[1]`: expected a non-empty string, got integer");
  require_error(r, 1, 24, "`checkpoints[2]`: expected a non-empty string, got \"\"");
}

TEST_CASE("loader: a duplicate checkpoint names both places") {
  temp_dir tree;
  load_result r =
      load_one(tree, std::string("checkpoints = [\n  \"a\",\n  \"b\",\n  \"a\",\n]\n") + basic_crash);
  require_one_error(r, tree / "s.toml", 4, 3,
                    "`checkpoints[2]`: duplicate entry \"a\" (first listed at line 2, column 3)");
}

TEST_CASE("loader: a scenario without a [crash] table is an error") {
  temp_dir tree;
  load_result r = load_one(tree, "checkpoints = [\"a\"]\n");
  require_one_error(r, tree / "s.toml", 1, 1,
                    "missing [crash] table: expected `[crash]` with `command = [\"{target}\", ...]`");
}

TEST_CASE("loader: a crash command must be a non-empty array of strings") {
  temp_dir tree;
  load_result r = load_one(tree, "checkpoints = [\"a\"]\n[crash]\ncommand = \"prog run\"\n");
  require_one_error(r, tree / "s.toml", 3, 11,
                    "`command`: expected a non-empty array of strings like [\"{target}\", \"arg\"], "
                    "got \"prog run\"");
  r = load_one(tree, "checkpoints = [\"a\"]\n[crash]\ncommand = [\"\", 1]\n");
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 2);
  require_error(r, 3, 12, "`command[0]`: expected a non-empty string, got \"\"");
  require_error(r, 3, 16, "`command[1]`: expected a string, got integer");
}

TEST_CASE("loader: expect is \"crash\" or \"error\"") {
  temp_dir tree;
  load_result r = load_one(tree, minimal + "expect = \"fail\"\n");
  require_one_error(r, tree / "s.toml", 4, 10, "`expect`: expected \"crash\" or \"error\", got \"fail\"");
}

TEST_CASE("loader: status takes a signal name, an exit code 1..255 or \"any\"") {
  temp_dir tree;
  auto status = [&](const std::string& value) {
    return load_one(tree, minimal + "status = " + value + "\n");
  };
  CHECK(only_scenario(status("\"SIGKILL\"")).crash.status == end_condition{end_condition::kind::signal, 9});
  CHECK(only_scenario(status("\"SIGSEGV\"")).crash.status == end_condition{end_condition::kind::signal, 11});
  CHECK(only_scenario(status("101")).crash.status == end_condition{end_condition::kind::exit_code, 101});
  CHECK(only_scenario(status("\"any\"")).crash.status == end_condition{end_condition::kind::any, 0});
  const std::string expected =
      "`status`: expected a signal name like \"SIGABRT\", an exit code 1..255, or \"any\", got ";
  require_one_error(status("0"), tree / "s.toml", 4, 10,
                    expected + "0 (a crash never ends with exit code 0)");
  require_one_error(status("256"), tree / "s.toml", 4, 10, expected + "256");
  require_one_error(status("\"SIGABORT\""), tree / "s.toml", 4, 10,
                    expected + "\"SIGABORT\" (did you mean \"SIGABRT\"?)");
  require_one_error(status("\"kill\""), tree / "s.toml", 4, 10,
                    expected + "\"kill\" (did you mean \"SIGKILL\"?)");
  require_one_error(status("\"SIGSTOP\""), tree / "s.toml", 4, 10,
                    expected + "\"SIGSTOP\" (SIGSTOP does not end a process)");
  require_one_error(status("true"), tree / "s.toml", 4, 10, expected + "boolean");
}

TEST_CASE("loader: expect = \"error\" cannot expect a signal") {
  temp_dir tree;
  load_result r = load_one(tree, minimal + "expect = \"error\"\nstatus = \"SIGABRT\"\n");
  require_one_error(r, tree / "s.toml", 5, 10,
                    "`status`: expect = \"error\" means the command exits with an error, so a signal "
                    "cannot be its expected end: use an exit code or \"any\"");
}

TEST_CASE("loader: exit_code is an integer 0..255") {
  temp_dir tree;
  load_result r = load_one(tree, minimal + "[[recover]]\ncommand = [\"x\"]\nexit_code = 300\n");
  require_one_error(r, tree / "s.toml", 6, 13, "`exit_code`: expected an integer 0..255, got 300");
  r = load_one(tree, minimal + "[[recover]]\ncommand = [\"x\"]\nexit_code = \"0\"\n");
  require_one_error(r, tree / "s.toml", 6, 13, "`exit_code`: expected an integer 0..255, got \"0\"");
}

TEST_CASE("loader: a [[recover]] entry needs a command") {
  temp_dir tree;
  load_result r = load_one(tree, minimal + "[[recover]]\nstdout_contains = \"ok\"\n");
  require_one_error(r, tree / "s.toml", 4, 1,
                    "missing `command` in [[recover]]: expected a non-empty array of strings like "
                    "[\"{target}\", \"arg\"]");
}

TEST_CASE("loader: a missing fixture folder is an error") {
  temp_dir tree;
  load_result r =
      load_one(tree, std::string("checkpoints = [\"a\"]\n[setup]\nfixture = \"fx/none\"\n") + basic_crash);
  require_one_error(r, tree / "s.toml", 3, 11,
                    "`fixture`: no folder at " + (tree / "fx/none").string() +
                        " (paths are relative to the scenario file)");
}

TEST_CASE("loader: setup steps are an array of non-empty string arrays") {
  temp_dir tree;
  load_result r = load_one(
      tree, std::string("checkpoints = [\"a\"]\n[setup]\nsteps = [[\"ok\"], [], \"x\"]\n") + basic_crash);
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 2);
  require_error(r, 3, 18,
                "`steps[1]`: expected a non-empty array of strings like [\"{target}\", \"arg\"], "
                "got an empty array");
  require_error(r, 3, 22,
                "`steps[2]`: expected a non-empty array of strings like [\"{target}\", \"arg\"], got \"x\"");
  r = load_one(tree, std::string("checkpoints = [\"a\"]\n[setup]\nsteps = [\"a\", \"b\"]\n") + basic_crash);
  require_error(r, 3, 10,
                "`steps[0]`: expected a non-empty array of strings like [\"{target}\", \"arg\"], got \"a\"");
}

TEST_CASE("loader: an invalid regular expression is reported at load") {
  temp_dir tree;
  load_result r =
      load_one(tree, minimal + "[[recover]]\ncommand = [\"x\"]\nstdout_matches = \"(unclosed\"\n");
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 1);
  CHECK((r.errors[0].where.line == 6 && r.errors[0].where.column == 18));
  CHECK_THAT(r.errors[0].message,
             Catch::StartsWith("`stdout_matches`: invalid regular expression \"(unclosed\": "));
}

TEST_CASE("loader: a pattern holding a placeholder says placeholders are not expanded there") {
  temp_dir tree;
  load_result r =
      load_one(tree, minimal + "[[recover]]\ncommand = [\"x\"]\nstderr_matches = \"at {checkpoint}\"\n");
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 1);
  CHECK_THAT(r.errors[0].message,
             Catch::EndsWith("(placeholders such as {checkpoint} are not expanded in expected text)"));
}

TEST_CASE("loader: assertion paths stay inside the workdir") {
  temp_dir tree;
  auto file_assert = [&](const std::string& path) {
    return load_one(tree, minimal + "[[assert]]\nfile = \"" + path + "\"\nexists = true\n");
  };
  const std::string why = ": assertion paths are relative to the workdir and stay inside it";
  require_one_error(file_assert("../outside"), tree / "s.toml", 5, 8,
                    "`file`: \"../outside\" leaves the workdir through \"..\"" + why);
  require_one_error(file_assert("a/../../b"), tree / "s.toml", 5, 8,
                    "`file`: \"a/../../b\" leaves the workdir through \"..\"" + why);
  require_one_error(file_assert("/etc/passwd"), tree / "s.toml", 5, 8,
                    "`file`: \"/etc/passwd\" is an absolute path" + why);
  require_one_error(file_assert("{workdir}/x"), tree / "s.toml", 5, 8,
                    "`file`: {workdir} expands to an absolute path" + why);
  CHECK(file_assert("a/../b").errors.empty());
  load_result r = load_one(tree, minimal + "[[assert]]\nglob = \"../*.tmp\"\n");
  require_one_error(r, tree / "s.toml", 5, 8, "`glob`: \"../*.tmp\" leaves the workdir through \"..\"" + why);
}

TEST_CASE("loader: an [[assert]] entry has exactly one of command, file, glob, cpp") {
  temp_dir tree;
  std::string head = minimal;
  load_result r = load_one(tree, head + "[[assert]]\nexists = true\n");
  require_one_error(r, tree / "s.toml", 4, 1,
                    "an [[assert]] entry needs exactly one of `command`, `file`, `glob` or `cpp`");
  r = load_one(tree, head + "[[assert]]\nfile = \"a\"\nglob = \"*\"\nexists = true\n");
  require_one_error(
      r, tree / "s.toml", 6, 1,
      "`glob` cannot be combined with `file` in one [[assert]] entry: each entry checks one thing");
}

TEST_CASE("loader: a key of another assertion kind is named as such") {
  temp_dir tree;
  load_result r =
      load_one(tree, minimal + "[[assert]]\nfile = \"a\"\nexists = true\ncount = 0\nexsits = true\n");
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 2);
  require_error(r, 7, 1, "`count` does not apply to a `file` assertion (it goes with `glob`)");
  require_error(r, 8, 1, "unknown key `exsits` in [[assert]] (did you mean `exists`?)");
}

TEST_CASE("loader: a file assertion needs at least one check") {
  temp_dir tree;
  load_result r = load_one(tree, minimal + "[[assert]]\nfile = \"a\"\n");
  require_one_error(r, tree / "s.toml", 4, 1,
                    "a `file` assertion needs a check: `exists`, `equals`, `contains`, `matches`, "
                    "`equals_file`, `json` or `unchanged`");
}

TEST_CASE("loader: exists = false cannot be combined with content checks") {
  temp_dir tree;
  load_result r = load_one(tree, minimal + "[[assert]]\nfile = \"a\"\nexists = false\ncontains = \"x\"\n");
  require_one_error(r, tree / "s.toml", 7, 12, "`contains` cannot be combined with `exists = false`");
}

TEST_CASE("loader: an equals_file golden file must exist") {
  temp_dir tree;
  load_result r = load_one(tree, minimal + "[[assert]]\nfile = \"a\"\nequals_file = \"golden/a\"\n");
  require_one_error(r, tree / "s.toml", 6, 15,
                    "`equals_file`: no file at " + (tree / "golden/a").string() +
                        " (paths are relative to the scenario file)");
}

TEST_CASE("loader: json takes a JSON Pointer and needs a value") {
  temp_dir tree;
  std::string head = minimal + "[[assert]]\nfile = \"s.json\"\n";
  load_result r = load_one(tree, head + "json = \"a/b\"\nvalue = 1\n");
  require_one_error(r, tree / "s.toml", 6, 8,
                    "`json`: expected a JSON Pointer like \"/items/0/name\" (empty, or starting "
                    "with \"/\"), got \"a/b\"");
  r = load_one(tree, head + "json = \"/a\"\n");
  require_one_error(r, tree / "s.toml", 6, 8, "`json` needs `value`: the value expected at that pointer");
  r = load_one(tree, head + "json = \"/a\"\nvalue = nan\n");
  require_one_error(r, tree / "s.toml", 7, 9, "`value`: JSON has no infinity or NaN");
  r = load_one(tree, head + "json = \"\"\nvalue = 1979-05-27\n");
  CHECK(only_scenario(r).asserts.at(0).as<file_check>()->json_value == "\"1979-05-27\"");
}

TEST_CASE("loader: env tables hold strings and leave the harness's variables alone") {
  temp_dir tree;
  load_result r = load_one(tree, std::string("checkpoints = [\"a\"]\nenv = { A = 1, CRASHPOINT = \"x\", "
                                             "CRASHPOINT_STATE = \"y\" }\n") +
                                     basic_crash);
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 3);
  require_error(r, 2, 13, "`env.A`: expected a string, got integer");
  require_error(r, 2, 16,
                "`env.CRASHPOINT`: the harness sets CRASHPOINT itself (the arming variable, for the "
                "crash command only)");
  require_error(r, 2, 34, "`env.CRASHPOINT_STATE`: the harness sets CRASHPOINT_STATE itself");
}

TEST_CASE("loader: suite errors name crashpoint.toml's lines") {
  temp_dir tree;
  tree.write("crashpoint.toml",
             "[target]\nenv_var = \"MY-VAR\"\ncrash_status = 0\n[defaults]\ntimout = \"1s\"\n");
  tree.write("s.toml", minimal);
  load_result r = load_scenarios({tree.path()});
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 4);
  for (const diagnostic& d : r.errors) CHECK(d.where.file == tree / "crashpoint.toml");
  require_error(r, 1, 1,
                "missing `command` in [target]: expected the program under test, like "
                "\"../build/myprogram\"");
  require_error(r, 2, 11,
                "`env_var`: expected a variable name matching [A-Za-z_][A-Za-z0-9_]*, got \"MY-VAR\"");
  require_error(r, 3, 16,
                "`crash_status`: expected a signal name like \"SIGABRT\", an exit code 1..255, or "
                "\"any\", got 0 (a crash never ends with exit code 0)");
  require_error(r, 5, 1, "unknown key `timout` in [defaults] (did you mean `timeout`?)");
}

TEST_CASE("loader: errors from every file are collected, sorted by place") {
  temp_dir tree;
  tree.write("crashpoint.toml", basic_suite);
  tree.write("b.toml", "checkpoints = [\"a\"]\n[crash]\ncomand = 1\nexpect = 2\n");
  tree.write("a.toml", "checkpoints = [\n");
  tree.write("c.toml", minimal);
  load_result r = load_scenarios({tree.path()});
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 4);
  CHECK(r.errors[0].where.file == tree / "a.toml");
  CHECK((r.errors[1].where.file == tree / "b.toml" && r.errors[1].where.line == 2));  // missing command
  CHECK((r.errors[2].where.file == tree / "b.toml" && r.errors[2].where.line == 3));
  CHECK((r.errors[3].where.file == tree / "b.toml" && r.errors[3].where.line == 4));
  REQUIRE(r.suites.size() == 1);
  CHECK(r.suites[0].scenarios.size() == 2);  // b (with errors) and c; a did not parse
}

TEST_CASE("loader: a scenario with 10,000 checkpoints loads well under a second") {
  temp_dir tree;
  std::ostringstream text;
  text << "checkpoints = [\n";
  for (int i = 0; i < 10'000; ++i) text << "  \"checkpoint_number_" << i << "\",\n";
  text << "]\n" << basic_crash;
  tree.write("crashpoint.toml", basic_suite);
  tree.write("s.toml", text.str());
  auto start = std::chrono::steady_clock::now();
  load_result r = load_scenarios({tree.path()});
  auto elapsed = std::chrono::steady_clock::now() - start;
  const scenario& s = only_scenario(r);
  CHECK(s.checkpoints.size() == 10'000);
  CHECK(s.checkpoints.back().where.line == 10'001);
  CHECK(elapsed < 500ms);
}

TEST_CASE("loader: format_diagnostic prints file:line:column: error: message") {
  CHECK(format_diagnostic({{"/nowhere/s.toml", 3, 7}, "boom"}) == "/nowhere/s.toml:3:7: error: boom");
  CHECK(format_diagnostic({{"/nowhere/s.toml", 0, 0}, "boom"}) == "/nowhere/s.toml: error: boom");
  fs::path here = fs::current_path() / "sub" / "s.toml";
  CHECK(format_diagnostic({{here, 1, 2}, "boom"}) == "sub/s.toml:1:2: error: boom");
}

TEST_CASE("duration: strings with units parse, bare numbers do not") {
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("30s") == 30s);
  CHECK(parse_duration("2m") == 2min);
  CHECK(parse_duration("1h") == 1h);
  CHECK(parse_duration("1m30s") == 90s);
  CHECK(!parse_duration("30"));
  CHECK(!parse_duration(""));
  CHECK(!parse_duration("1.5s"));
  CHECK(!parse_duration("5 s"));
  CHECK(!parse_duration("-1s"));
  CHECK(parse_duration("99999999999999999999h") > 24h);  // saturates, never wraps
  CHECK(format_duration(90s) == "1m30s");
  CHECK(format_duration(24h) == "24h");
  CHECK(format_duration(1ms) == "1ms");
}
