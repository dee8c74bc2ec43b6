// SPDX-License-Identifier: Apache-2.0
// syscall_points_test.cpp: `sys:CALL@HIT` entries crash the crash command at
// its Nth file-system call under crashpoint-record, confirmed by the
// recorder's result file; `syscalls = true` and `--syscalls` discover them.
// The store fixture saves with data/value.tmp, rename to data/value.
#include <nlohmann/json.hpp>

#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

const std::string store_setup = R"([setup]
steps = [["{target}", "init"], ["{target}", "set", "5"]]
[crash]
command = ["{target}", "set", "7"]
[[recover]]
command = ["{target}", "get"]
)";

}  // namespace

TEST_CASE("syscall points: a kill before the rename is confirmed, and the FAIL line shows the call") {
  e2e_suite s(store_suite());
  s.add("save.toml", "checkpoints = [\"sys:rename@1\"]\n" + store_setup + R"([[assert]]
file = "data/value"
equals = "7\n"
)");
  const fs::path report = s.harness_tmp().parent_path() / "report.json";
  const auto r = s.run({"--json", report.string()});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  // Killed before the rename: the old value is still there, so the assertion fails.
  CHECK_THAT(r.out.text, Contains("FAIL  save  sys:rename@1  rename(\"data/value.tmp\", \"data/value\")"));
  CHECK_THAT(r.out.text, Contains("assertion failed"));
  const auto doc = nlohmann::json::parse(read_file(report));
  CHECK(doc["runs"][0]["call"] == "rename(\"data/value.tmp\", \"data/value\")");
  CHECK(doc["runs"][0]["id"] == "save@sys:rename@1");
}

TEST_CASE("syscall points: right after the rename the new value survives, and recovery sees the I/O log") {
  e2e_suite s(store_suite());
  s.add("save.toml", "checkpoints = [\"sys:rename@1+\"]\n" + store_setup + R"([[recover]]
command = ["sh", "-c", "sed -n 's/.*\"io_log\": \"\\(.*\\)\".*/\\1/p' \"$CRASHPOINT_STATE\" | xargs cat"]
stdout_contains = "\"kind\":\"rename\""
[[assert]]
file = "data/value"
equals = "7\n"
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(last_line(r.out.text) == "1 passed, 0 failed");
}

TEST_CASE("syscall points: a point the command never reaches fails and says what it did make") {
  e2e_suite s(store_suite());
  s.add("save.toml", "checkpoints = [\"sys:rename@5\"]\n" + store_setup);
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Contains("checkpoint not reached: crash command `"));
  CHECK_THAT(r.out.text, Contains("without reaching sys:rename@5 (it made "));
  CHECK_THAT(r.out.text, Contains("1 rename"));
}

TEST_CASE("syscall points: a failed call the command then ignores is a wrong end, not a pass") {
  e2e_suite s(store_suite());
  // mv reports the failed rename, but the shell still exits 0.
  // The rename of f to g fails; recovery runs `recover` (a TOML array).
  const auto failing_rename = [](const std::string& crash, const std::string& recover) {
    return "checkpoints = [\"sys:rename@1=error(EIO)\"]\n[setup]\nsteps = [[\"sh\", \"-c\", \"echo a > "
           "f\"]]\n"
           "[crash]\ncommand = " +
           crash + "\n[[recover]]\ncommand = " + recover + "\n";
  };
  s.add("ignores.toml", failing_rename(R"(["sh", "-c", "mv f g; exit 0"])", R"(["true"])"));
  s.add("reports.toml", failing_rename(R"(["mv", "f", "g"])", R"(["test", "-f", "f"])"));
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Contains("PASS  reports  sys:rename@1=error(EIO)  renameat2(\"f\", \"g\""));
  CHECK_THAT(r.out.text, Contains("FAIL  ignores  sys:rename@1=error(EIO)"));
  CHECK_THAT(r.out.text, Contains("it reported success after a failed call"));
}

TEST_CASE("syscall points: discovery makes every modelled call a point, and --include picks some") {
  e2e_suite s(store_suite());
  s.add("explore.toml", "checkpoints = \"auto\"\nsyscalls = true\n" + store_setup);
  const auto all = s.crashpoint({"list", "."});
  INFO(shown(all));
  CHECK(exited_with(all, 0));
  CHECK_THAT(all.out.text, Contains("explore@sys:rename@1"));
  CHECK_THAT(all.out.text, Contains("explore@sys:write@1"));
  CHECK_THAT(all.out.text, Contains("explore@store_after_rename@1"));  // embedded checkpoints too
  const auto renames = s.run({"--include", "sys:rename*"});
  INFO(shown(renames));
  CHECK(exited_with(renames, 0));
  CHECK(last_line(renames.out.text) == "1 passed, 0 failed");
}

TEST_CASE("syscall points: --syscalls explores a scenario that does not ask for them") {
  e2e_suite s(store_suite());
  s.add("explore.toml", "checkpoints = \"auto\"\n" + store_setup);
  const auto without = s.crashpoint({"list", "."});
  CHECK_THAT(without.out.text, !Contains("sys:"));
  const auto with = s.crashpoint({"list", ".", "--syscalls", "--include", "sys:rename*"});
  INFO(shown(with));
  CHECK(exited_with(with, 0));
  CHECK(lines_of(with.out.text) == std::vector<std::string>{"explore@sys:rename@1"});
}

TEST_CASE("bad input: a syscall point that does not parse names its column and the likely call") {
  e2e_suite s(store_suite());
  s.add("typo.toml", "checkpoints = [\"sys:fsyc@1\"]\n" + store_setup);
  s.add("no_auto.toml", "checkpoints = [\"store_after_tmp\"]\nsyscalls = true\n" + store_setup);
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK_THAT(r.err.text, Contains("typo.toml:1:"));
  CHECK_THAT(r.err.text, Contains("fsync"));
  CHECK_THAT(r.err.text, Contains("no_auto.toml:2:"));
  CHECK_THAT(r.err.text, Contains("`syscalls = true` needs `checkpoints = \"auto\"`"));
}
