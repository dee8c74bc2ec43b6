// SPDX-License-Identifier: Apache-2.0
// e2e_assertions_test.cpp: every assertion kind, passing and failing, on the
// state the toy store leaves after a crash and its recovery.
//
// The store's state after `init; set 5; set 7` crashed at a checkpoint and
// recovered (tests/fixtures/e2e_store.cpp):
//   store_after_tmp     data/value "5\n", data/meta.json {"value": 5, "writes": 1}
//   store_after_rename  data/value "7\n", meta.json rolled forward {"value": 7, "writes": 2}
// With STORE_NO_RECOVERY=1 a crash at store_after_tmp leaves data/value.tmp.
#include <nlohmann/json.hpp>

#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

// Runs one scenario (`store_scenario(checkpoint)` + `tables`) and returns the
// report. Unless `tables` has its own, the recovery step is `get` (which
// recovers): without one, the harness would rerun `set 7` and complete it.
crashpoint::harness::command_result run_store(const std::string& checkpoint, std::string tables,
                                              file_list extra_files = {}) {
  if (tables.find("[[recover]]") == std::string::npos) {
    tables += "[[recover]]\ncommand = [\"{target}\", \"get\"]\n";
  }
  extra_files.emplace_back("scenario.toml", store_scenario(checkpoint) + tables);
  return e2e_suite(store_suite(), extra_files).run();
}

bool passed(const crashpoint::harness::command_result& r) {
  return exited_with(r, 0) && last_line(r.out.text) == "1 passed, 0 failed";
}

// Failed with `problem` among the assertion details.
bool failed_with(const crashpoint::harness::command_result& r, const std::string& problem) {
  return exited_with(r, 1) && r.out.text.find("assertion failed: ") != std::string::npos &&
         r.out.text.find(problem) != std::string::npos;
}

// How a failed assertion names a store command: as it ran, placeholders expanded.
std::string store_command(const std::string& args) {
  return "command `" + store_exe().string() + " " + args + "`";
}

}  // namespace

TEST_CASE("assert file exists = true passes for a present file") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
file = "data/value"
exists = true
)");
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("assert file exists = true fails for an absent file") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
file = "data/journal"
exists = true
)");
  INFO(shown(r));
  CHECK(failed_with(r, "scenario.toml:7:1: file data/journal is absent, expected it to exist"));
}

TEST_CASE("assert file exists = false passes once recovery removed the file") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
file = "data/value.tmp"
exists = false
)");
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("assert file exists = false fails when the crash left the file behind") {
  const auto r = run_store("store_after_tmp", R"(
[env]
STORE_NO_RECOVERY = "1"
[[recover]]
command = ["true"]
[[assert]]
file = "data/value.tmp"
exists = false
)");
  INFO(shown(r));
  CHECK(failed_with(r, "file data/value.tmp exists, expected it absent"));
}

TEST_CASE("assert file equals passes on the exact content") {
  const auto r = run_store("store_after_rename", R"(
[[assert]]
file = "data/value"
equals = "7\n"
)");
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("assert file equals fails with the content it found") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
file = "data/value"
equals = "7\n"
)");
  INFO(shown(r));
  CHECK(failed_with(r, "file data/value is \"5\\n\", expected \"7\\n\""));
}

TEST_CASE("assert file contains passes on a substring") {
  const auto r = run_store("store_after_rename", R"(
[[assert]]
file = "data/meta.json"
contains = "\"writes\": 2"
)");
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("assert file contains fails with the content it found") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
file = "data/meta.json"
contains = "\"value\": 7"
)");
  INFO(shown(r));
  CHECK(failed_with(r,
                    "file data/meta.json does not contain \"\\\"value\\\": 7\"; it is "
                    "\"{\\\"value\\\": 5, \\\"writes\\\": 1}\\n\""));
}

TEST_CASE("assert file matches passes on a regex match") {
  // Either the old or the new value is acceptable after a crash.
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
file = "data/value"
matches = "^[57]\n$"
)");
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("assert file matches fails with the pattern and the content") {
  const auto r = run_store("store_after_rename", R"(
[[assert]]
file = "data/value"
matches = "^[89]$"
)");
  INFO(shown(r));
  CHECK(failed_with(r, "file data/value does not match /^[89]$/; it is \"7\\n\""));
}

TEST_CASE("assert file content on an absent file says it is absent") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
file = "data/journal"
contains = "x"
)");
  INFO(shown(r));
  CHECK(failed_with(r, "file data/journal is absent"));
}

TEST_CASE("assert equals_file passes when the file equals the golden file") {
  const auto r = run_store("store_after_rename", R"(
[[assert]]
file = "data/meta.json"
equals_file = "golden/meta-7.json"
)",
                           {{"golden/meta-7.json", "{\"value\": 7, \"writes\": 2}\n"}});
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("assert equals_file fails with both contents") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
file = "data/meta.json"
equals_file = "golden/meta-7.json"
)",
                           {{"golden/meta-7.json", "{\"value\": 7, \"writes\": 2}\n"}});
  INFO(shown(r));
  CHECK(failed_with(r,
                    "file data/meta.json differs from golden file golden/meta-7.json: it is "
                    "\"{\\\"value\\\": 5, \\\"writes\\\": 1}\\n\", expected "
                    "\"{\\\"value\\\": 7, \\\"writes\\\": 2}\\n\""));
}

TEST_CASE("assert json passes when the value at the pointer equals") {
  const auto r = run_store("store_after_rename", R"(
[[assert]]
file = "data/meta.json"
json = "/value"
value = 7
)");
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("assert json fails with the value found at the pointer") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
file = "data/meta.json"
json = "/value"
value = 7
)");
  INFO(shown(r));
  CHECK(failed_with(r, "file data/meta.json at `/value` is 5, expected 7"));
}

TEST_CASE("assert json fails when the pointer names nothing") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
file = "data/meta.json"
json = "/size"
value = 1
)");
  INFO(shown(r));
  CHECK(failed_with(r, "file data/meta.json at `/size`: no such value"));
}

TEST_CASE("assert glob count passes when no temporary file is left") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
glob = "data/*.tmp"
count = 0
)");
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("assert glob count fails and lists what matched") {
  const auto r = run_store("store_after_tmp", R"(
[env]
STORE_NO_RECOVERY = "1"
[[recover]]
command = ["true"]
[[assert]]
glob = "**/*.tmp"
count = 0
)");
  INFO(shown(r));
  CHECK(failed_with(r, "glob **/*.tmp matches 1 path(s), expected 0: data/value.tmp"));
}

TEST_CASE("assert unchanged passes when a rolled-back write left the file as it was") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
file = "data/value"
unchanged = true
)");
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("assert unchanged fails with the content before the crash and now") {
  const auto r = run_store("store_after_rename", R"(
[[assert]]
file = "data/value"
unchanged = true
)");
  INFO(shown(r));
  CHECK(failed_with(r, "data/value changed: it was \"5\\n\" and is \"7\\n\""));
}

TEST_CASE("assert unchanged on a folder notices a file that appeared") {
  const auto r = run_store("store_after_tmp", R"(
[env]
STORE_NO_RECOVERY = "1"
[[recover]]
command = ["true"]
[[assert]]
file = "data"
unchanged = true
)");
  INFO(shown(r));
  CHECK(failed_with(r, "data/value.tmp was absent before the crash and is present now"));
}

TEST_CASE("assert command exit_code passes on the expected code") {
  const auto r = run_store("store_after_tmp", R"(
[env]
STORE_NO_RECOVERY = "1"
[[recover]]
command = ["true"]
[[assert]]
command = ["{target}", "fsck"]
exit_code = 1
)");
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("assert command exit_code fails with the actual end") {
  const auto r = run_store("store_after_tmp", R"(
[env]
STORE_NO_RECOVERY = "1"
[[recover]]
command = ["true"]
[[assert]]
command = ["{target}", "fsck"]
)");
  INFO(shown(r));
  CHECK(failed_with(r, store_command("fsck") + " ended with exit 1, expected exit 0"));
}

TEST_CASE("assert command stdout_contains, stdout_matches and stdout_equals pass") {
  const auto r = run_store("store_after_rename", R"(
[[assert]]
command = ["{target}", "get"]
stdout_contains = "7"
stdout_matches = "^[0-9]+\n$"
stdout_equals = "7\n"
)");
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("assert command stdout_contains fails with the actual stdout") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
command = ["{target}", "get"]
stdout_contains = "7"
)");
  INFO(shown(r));
  CHECK(failed_with(r, store_command("get") + " stdout does not contain \"7\"; it is \"5\\n\""));
}

TEST_CASE("assert command stdout_matches fails with the pattern and the stdout") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
command = ["{target}", "get"]
stdout_matches = "^7$"
)");
  INFO(shown(r));
  CHECK(failed_with(r, store_command("get") + " stdout does not match /^7$/; it is \"5\\n\""));
}

TEST_CASE("assert command stdout_equals fails with actual and expected") {
  const auto r = run_store("store_after_tmp", R"(
[[assert]]
command = ["{target}", "get"]
stdout_equals = "7\n"
)");
  INFO(shown(r));
  CHECK(failed_with(r, store_command("get") + " stdout is \"5\\n\", expected \"7\\n\""));
}

TEST_CASE("multi-line expected text that differs is shown as a line diff, not two blobs") {
  e2e_suite s(suite_toml("/bin/sh"), {{"golden.txt", "a=1\nb=2\nc=3\n"}});
  s.add("lines.toml", R"(checkpoints = ["here"]
[setup]
steps = [["{target}", "-c", "printf 'a=1\\nb=5\\nc=3\\n' > state"]]
[crash]
command = ["{target}", "-c", "echo 'CRASHPOINT: crashing at checkpoint `here` (intentional)' >&2; kill -ABRT $$"]
[[recover]]
command = ["{target}", "-c", "cat state"]
stdout_equals = "a=1\nb=2\nc=3\n"
)");
  s.add("asserts.toml", R"(checkpoints = ["here"]
[setup]
steps = [["{target}", "-c", "printf 'a=1\\nb=5\\nc=3\\n' > state"]]
[crash]
command = ["{target}", "-c", "echo 'CRASHPOINT: crashing at checkpoint `here` (intentional)' >&2; kill -ABRT $$"]
[[recover]]
command = ["/bin/true"]
[[assert]]
command = ["{target}", "-c", "cat state"]
stdout_equals = "a=1\nb=2\nc=3\n"
[[assert]]
file = "state"
equals = "a=1\nc=3\n"
[[assert]]
file = "state"
equals_file = "golden.txt"
)");
  const auto r = s.run({"-j", "1"});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  const std::string diff = "      @@ -1,3 +1,3 @@\n       a=1\n      -b=2\n      +b=5\n       c=3\n";
  CHECK_THAT(r.out.text,
             Contains("asserts.toml:8:1: command `/bin/sh -c 'cat state'` stdout differs from the "
                      "expected text (- expected, + actual):\n" +
                      diff));
  CHECK_THAT(
      r.out.text,
      Contains("asserts.toml:11:1: file state differs from the expected text "
               "(- expected, + actual):\n      @@ -1,2 +1,3 @@\n       a=1\n      +b=5\n       c=3\n"));
  CHECK_THAT(r.out.text, Contains("asserts.toml:14:1: file state differs from golden file golden.txt "
                                  "(- golden file, + actual):\n" +
                                  diff));
  // In a recovery step, the first line is the failure's reason and the diff follows.
  CHECK_THAT(r.out.text,
             Contains("lines.toml:6:1): stdout differs from the expected text (- expected, + actual):\n" +
                      diff + "      stderr (last lines):"));
}

// With a no-op recovery step, the first assertion command is the one that
// recovers, and says so on stderr.
const std::string recovery_by_assertion = R"(
[[recover]]
command = ["true"]
)";

TEST_CASE("assert command stderr_contains, stderr_matches and stderr_equals pass") {
  const auto r = run_store("store_after_tmp", recovery_by_assertion + R"(
[[assert]]
command = ["{target}", "get"]
stderr_contains = "removed data/value.tmp"
stderr_matches = "^recovery: removed .*\\.tmp\n$"
stderr_equals = "recovery: removed data/value.tmp\n"
)");
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("assert command stderr checks fail with the actual stderr") {
  const auto r = run_store("store_after_rename", recovery_by_assertion + R"(
[[assert]]
command = ["{target}", "get"]
stderr_contains = "removed"
stderr_matches = "tmp"
stderr_equals = ""
)");
  INFO(shown(r));
  // After a crash at store_after_rename there is no temporary file: the store
  // only rolls its metadata forward. One problem per failed check.
  const std::string said = "\"recovery: data/meta.json rolled forward\\n\"";
  CHECK(failed_with(r, store_command("get") + " stderr does not contain \"removed\"; it is " + said));
  CHECK(failed_with(r, store_command("get") + " stderr does not match /tmp/; it is " + said));
  CHECK(failed_with(r, store_command("get") + " stderr is " + said + ", expected \"\""));
}

TEST_CASE("an assertion script receives CRASHPOINT_WORKDIR, CRASHPOINT_CHECKPOINT and CRASHPOINT_STATE") {
  // The script reads the state file: each earlier step's end, and the crash
  // step's captured stderr.
  const auto r = run_store("store_after_tmp", R"(
[[recover]]
command = ["{target}", "get"]
[[assert]]
command = [")" + shell_fixture("e2e_state_probe.sh").string() +
                                                  R"("]
stdout_equals = """
workdir is the cwd
checkpoint store_after_tmp
setup exit 0
setup exit 0
crash signal SIGABRT
recover exit 0
crash stderr: CRASHPOINT: crashing at checkpoint `store_after_tmp` (intentional)
"""
)");
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("a recovery script receives the state too") {
  const auto r = run_store("store_after_rename=exit(3)", R"(
[[recover]]
command = [")" + shell_fixture("e2e_state_probe.sh").string() +
                                                             R"("]
stdout_contains = "checkpoint store_after_rename=exit(3)\nsetup exit 0\nsetup exit 0\ncrash exit 3\n"
)");
  INFO(shown(r));
  CHECK(passed(r));
}

TEST_CASE("the state file records each command's argv, end, duration and output files") {
  e2e_suite s(store_suite(), {{"state.toml", store_scenario("store_after_tmp=kill") + R"(
[[recover]]
command = ["{target}", "get"]
)"}});
  const auto r = s.run({"--keep", "all"});
  INFO(shown(r));
  REQUIRE(exited_with(r, 0));
  const auto runs = s.kept_runs();
  REQUIRE(runs.size() == 1);
  const auto state = nlohmann::json::parse(read_file(runs[0] / "state.json"));
  CHECK(state["scenario"] == "state");
  CHECK(state["checkpoint"] == "store_after_tmp=kill");
  CHECK(state["workdir"] == (runs[0] / "work").string());
  REQUIRE(state["steps"].size() == 4);
  const auto& crash = state["steps"][2];
  CHECK(crash["phase"] == "crash");
  CHECK(crash["argv"] == nlohmann::json::array({store_exe().string(), "set", "7"}));
  CHECK(crash["status"] == nlohmann::json{{"kind", "signaled"}, {"signal", 9}, {"signal_name", "SIGKILL"}});
  CHECK(crash["env"]["CRASHPOINT"] == "store_after_tmp=kill");
  CHECK(crash["duration_ms"].is_number());
  CHECK(read_file(crash["stderr"].get<std::string>()) ==
        "CRASHPOINT: crashing at checkpoint `store_after_tmp` (intentional)\n");
  const auto& recover = state["steps"][3];
  CHECK(recover["status"] == nlohmann::json{{"kind", "exited"}, {"exit_code", 0}});
  CHECK(read_file(recover["stdout"].get<std::string>()) == "5\n");
}
