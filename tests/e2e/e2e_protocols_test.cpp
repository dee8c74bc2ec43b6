// SPDX-License-Identifier: Apache-2.0
// e2e_protocols_test.cpp: the three kinds of target, and the ways an entry and
// a scenario decide how the crash must end (library actions, expect = "error",
// several checkpoints in one entry, a [crash] status override).
#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

// After a crash anywhere in `set 7`, the store holds the old or the new value
// and fsck finds nothing wrong.
const std::string store_recovers = R"(
[[recover]]
command = ["{target}", "get"]
stdout_matches = "^[57]\n$"
[[assert]]
command = ["{target}", "fsck"]
stdout_equals = "ok\n"
[[assert]]
glob = "data/*.tmp"
count = 0
)";

// A recovery step running the state probe, whose output must contain `text`.
std::string state_probe_step(const std::string& text) {
  return "[[recover]]\ncommand = [\"" + shell_fixture("e2e_state_probe.sh").string() +
         "\"]\nstdout_contains = \"" + text + "\"\n";
}

}  // namespace

TEST_CASE("a target built with the library passes at each of its checkpoints") {
  e2e_suite s(store_suite());
  s.add("set.toml", R"(description = "a crash anywhere in set keeps the old or the new value"
checkpoints = ["store_after_tmp", "store_after_rename", "store_after_meta"]
[setup]
steps = [["{target}", "init"], ["{target}", "set", "5"]]
[crash]
command = ["{target}", "set", "7"]
)" + store_recovers);
  const auto r = s.run({"-j", "1"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(verdicts(r.out.text) == std::vector<std::string>{"PASS  set  store_after_tmp",
                                                         "PASS  set  store_after_rename",
                                                         "PASS  set  store_after_meta"});
  CHECK(last_line(r.out.text) == "3 passed, 0 failed");
}

TEST_CASE("a plain shell script that follows the protocol by hand passes") {
  e2e_suite s(shell_suite());
  s.add("set.toml", R"(checkpoints = ["shell_after_tmp", "shell_after_rename"]
[setup]
steps = [["{target}", "init"], ["{target}", "set", "5"]]
[crash]
command = ["{target}", "set", "7"]
[[recover]]
command = ["{target}", "get"]
stdout_matches = "^[57]\n$"
[[assert]]
file = "data/value.tmp"
exists = false
)");
  const auto r = s.run({"-j", "1"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(verdicts(r.out.text) ==
        std::vector<std::string>{"PASS  set  shell_after_tmp", "PASS  set  shell_after_rename"});
}

TEST_CASE("a target with its own variable, message and exit status 101 passes") {
  e2e_suite s(mytool_suite());
  s.add("save.toml", R"(checkpoints = ["save_after_journal", "save_after_commit"]
[setup]
steps = [["{target}", "init"], ["{target}", "save", "5"]]
[crash]
command = ["{target}", "save", "7"]
[[recover]]
command = ["{target}", "load"]
stdout_equals = "7\n"
[[assert]]
file = "journal"
exists = false
)");
  const auto r = s.run({"-j", "1"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(verdicts(r.out.text) ==
        std::vector<std::string>{"PASS  save  save_after_journal", "PASS  save  save_after_commit"});
}

TEST_CASE("an exit 101 is a wrong crash status for a suite that expects SIGABRT") {
  // The suite knows the tool's variable and message but not its exit status.
  e2e_suite s(suite_toml(mytool(), R"(env_var = "MYTOOL_FAULT_INJECT"
crash_message = "thread 'main' panicked at 'mytool: injected fault at {checkpoint}'"
)"));
  s.add("save.toml", R"(checkpoints = ["save_after_journal"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "save", "7"]
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Contains("wrong crash status: crash command `" + mytool().string() +
                                  " save 7`: `save_after_journal` fired, expected signal SIGABRT"));
  CHECK_THAT(r.out.text, Contains("but it ended with exit 101"));
}

TEST_CASE("the crash command gets the suite's own arming variable, not CRASHPOINT") {
  // With the default variable the tool is never armed: it saves and exits 0.
  e2e_suite s(suite_toml(mytool(), "crash_status = 101\n"));
  s.add("save.toml", R"(checkpoints = ["save_after_journal"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "save", "7"]
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK_THAT(r.out.text, Contains("checkpoint not reached: crash command `" + mytool().string() +
                                  " save 7`: the command exited 0"));
}

TEST_CASE("expect = \"error\" passes when a fail point makes the command exit with its message") {
  e2e_suite s(store_suite());
  s.add("write_fails.toml", R"(checkpoints = ["store_write_tmp"]
[setup]
steps = [["{target}", "init"], ["{target}", "set", "5"]]
[crash]
command = ["{target}", "set", "7"]
expect = "error"
[[recover]]
command = ["{target}", "get"]
stdout_equals = "5\n"
[[assert]]
file = "data/value"
unchanged = true
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(verdicts(r.out.text) == std::vector<std::string>{"PASS  write_fails  store_write_tmp"});
}

TEST_CASE("expect = \"error\" with a [crash] status requires that exit code") {
  // The store exits 1 when its fail point returns the error.
  e2e_suite s(store_suite());
  s.add("exit1.toml", R"(checkpoints = ["store_write_tmp"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
expect = "error"
status = 1
)");
  s.add("exit2.toml", R"(checkpoints = ["store_write_tmp"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
expect = "error"
status = 2
)");
  const auto r = s.run({"-j", "1"});
  INFO(shown(r));
  CHECK(verdicts(r.out.text) ==
        std::vector<std::string>{"PASS  exit1  store_write_tmp", "FAIL  exit2  store_write_tmp"});
  CHECK(has_line(r.out.text, "wrong crash status: crash command `" + store_exe().string() +
                                 " set 7`: `store_write_tmp` fired, expected exit 2 with the message "
                                 "`CRASHPOINT: failing at checkpoint `store_write_tmp` (intentional)`, "
                                 "but it ended with exit 1"));
}

TEST_CASE("expect = \"error\" rejects a crash by a signal") {
  e2e_suite s(store_suite());
  // store_after_tmp is a panic point: it aborts, it does not return an error.
  s.add("not_a_fail_point.toml", R"(checkpoints = ["store_after_tmp"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
expect = "error"
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(has_line(r.out.text, "crashed elsewhere: crash command `" + store_exe().string() +
                                 " set 7`: expected a non-zero exit (not a signal) with the message "
                                 "`CRASHPOINT: failing at checkpoint `store_after_tmp` (intentional)`, "
                                 "but it ended with signal SIGABRT and no such message"));
}

TEST_CASE("an entry arming two checkpoints passes on whichever is reached first") {
  e2e_suite s(store_suite());
  s.add("two.toml", R"(checkpoints = ["store_after_rename,store_after_tmp", "no_such_point,store_after_meta"]
[setup]
steps = [["{target}", "init"], ["{target}", "set", "5"]]
[crash]
command = ["{target}", "set", "7"]
)" + store_recovers);
  const auto r = s.run({"-j", "1"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(verdicts(r.out.text) == std::vector<std::string>{"PASS  two  store_after_rename,store_after_tmp",
                                                         "PASS  two  no_such_point,store_after_meta"});
}

TEST_CASE("a shell target armed with two checkpoints at once passes") {
  e2e_suite s(shell_suite());
  s.add("two.toml", R"(checkpoints = ["shell_after_rename,shell_after_tmp"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
[[recover]]
command = ["{target}", "get"]
stdout_equals = "0\n"
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 0));
}

TEST_CASE("an entry with =kill expects SIGKILL") {
  e2e_suite s(store_suite());
  s.add("kill.toml", R"(checkpoints = ["store_after_tmp=kill"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
)" + state_probe_step("crash signal SIGKILL\\n"));
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(verdicts(r.out.text) == std::vector<std::string>{"PASS  kill  store_after_tmp=kill"});
}

TEST_CASE("an entry with =exit(3) expects exit status 3") {
  e2e_suite s(store_suite());
  s.add("exit3.toml", R"toml(checkpoints = ["store_after_tmp=exit(3)"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
)toml" + state_probe_step("crash exit 3\\n"));
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 0));
}

TEST_CASE("an entry's action sets the expected end even for a target that ignores it") {
  // The shell script accepts `shell_after_tmp=kill` but always aborts: the
  // harness expected SIGKILL, as the library would have done.
  e2e_suite s(shell_suite());
  s.add("kill.toml", R"(checkpoints = ["shell_after_tmp=kill"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Contains("wrong crash status: crash command `" + shell_store().string() +
                                  " set 7`: `shell_after_tmp` fired, expected signal SIGKILL"));
  CHECK_THAT(r.out.text, Contains("but it ended with signal SIGABRT"));
}

TEST_CASE("a scenario's [crash] status overrides the suite's crash_status") {
  e2e_suite s(shell_suite());
  s.add("sigterm.toml", R"(checkpoints = ["shell_after_tmp"]
[env]
STORE_CRASH_SIGNAL = "TERM"
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
status = "SIGTERM"
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(last_line(r.out.text) == "1 passed, 0 failed");
}

TEST_CASE("a [crash] status of \"any\" accepts any non-zero end") {
  e2e_suite s(shell_suite());
  s.add("any.toml", R"(checkpoints = ["shell_after_tmp", "shell_after_rename"]
[env]
STORE_CRASH_SIGNAL = "KILL"
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
status = "any"
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(last_line(r.out.text) == "2 passed, 0 failed");
}

TEST_CASE("a [crash] status overrides an entry's action") {
  // `=exit(3)` alone would expect exit 3; the scenario says 4 wins.
  e2e_suite s(store_suite());
  s.add("override.toml", R"toml(checkpoints = ["store_after_tmp=exit(3)"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
status = 4
)toml");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Contains("wrong crash status: crash command `" + store_exe().string() +
                                  " set 7`: `store_after_tmp` fired, expected exit 4 with the message"));
  CHECK_THAT(r.out.text, Contains("but it ended with exit 3"));
}
