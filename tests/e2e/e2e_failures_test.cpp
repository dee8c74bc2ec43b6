// SPDX-License-Identifier: Apache-2.0
// e2e_failures_test.cpp: every failure class of a run, with its exact report.
#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

const std::string crash_message_tmp = "CRASHPOINT: crashing at checkpoint `store_after_tmp` (intentional)";

}  // namespace

TEST_CASE("a run whose setup step fails reports the step, its end and its stderr") {
  e2e_suite s(store_suite());
  // No `init` first: the store refuses to work in an empty folder.
  s.add("no_init.toml", R"(checkpoints = ["store_after_tmp"]
[setup]
steps = [["{target}", "set", "5"]]
[crash]
command = ["{target}", "set", "7"]
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Contains("FAIL  no_init  store_after_tmp  ("));
  CHECK(has_line(r.out.text, "setup failed: setup step 1 `" + store_exe().string() +
                                 " set 5` ended with exit 2, expected exit 0"));
  CHECK(has_line(r.out.text, "e2e_store: no store here (run `init`)"));
  CHECK(last_line(r.out.text) == "0 passed, 1 failed");
}

TEST_CASE("a crash command that finishes without crashing is 'checkpoint not reached'") {
  e2e_suite s(store_suite());
  // `get` reaches no checkpoint: the scenario is stale or its command wrong.
  s.add("stale.toml", R"(checkpoints = ["store_after_tmp"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "get"]
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(
      has_line(r.out.text, "checkpoint not reached: crash command `" + store_exe().string() +
                               " get`: the command exited 0 without reaching the armed checkpoint (expected "
                               "signal SIGABRT with the message `" +
                               crash_message_tmp + "`): is the scenario stale, or the command wrong?"));
}

TEST_CASE("a crash by another signal without the message is 'crashed elsewhere'") {
  e2e_suite s(shell_suite());
  // set-buggy dies of SIGSEGV before it reaches any checkpoint: a real bug.
  s.add("segv.toml", R"(checkpoints = ["shell_after_tmp"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set-buggy", "7"]
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(has_line(r.out.text,
                 "crashed elsewhere: crash command `" + shell_store().string() +
                     " set-buggy 7`: expected signal SIGABRT with the message `CRASHPOINT: crashing at "
                     "checkpoint `shell_after_tmp` (intentional)`, but it ended with signal SIGSEGV "
                     "and no such message"));
}

TEST_CASE("an error exit without the message is 'crashed elsewhere', with the stderr tail") {
  e2e_suite s(shell_suite());
  s.add("enospc.toml", R"(checkpoints = ["shell_after_tmp"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set-fails", "7"]
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Contains("crashed elsewhere: crash command `" + shell_store().string() +
                                  " set-fails 7`: expected signal SIGABRT"));
  CHECK_THAT(r.out.text, Contains("but it ended with exit 3 and no such message"));
  CHECK(has_line(r.out.text, "stderr (last lines):"));
  CHECK(has_line(r.out.text, "e2e_shell_store: no space left on device"));
}

TEST_CASE("a crash message the library's trace disowns is 'crashed elsewhere'") {
  e2e_suite s(store_suite());
  // `store_after_tmp@2` arms only the second hit; `impostor` passes the first
  // hit, then prints the crash message itself and aborts. The stderr and the
  // end look right, but the trace shows the checkpoint passing, never firing.
  s.add("impostor.toml", R"(checkpoints = ["store_after_tmp@2"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "impostor", "store_after_tmp"]
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(has_line(r.out.text, "crashed elsewhere: crash command `" + store_exe().string() +
                                 " impostor store_after_tmp`: the message is on stderr, but the "
                                 "trace shows no armed checkpoint firing"));
}

TEST_CASE("the crash message with another end is 'wrong crash status'") {
  e2e_suite s(shell_suite());
  // The script crashes at the checkpoint as armed, but by SIGTERM where the
  // suite expects SIGABRT.
  s.add("sigterm.toml", R"(checkpoints = ["shell_after_tmp"]
[env]
STORE_CRASH_SIGNAL = "TERM"
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(
      has_line(r.out.text, "wrong crash status: crash command `" + shell_store().string() +
                               " set 7`: `shell_after_tmp` fired, expected signal SIGABRT with the message "
                               "`CRASHPOINT: crashing at checkpoint `shell_after_tmp` (intentional)`, but it "
                               "ended with signal SIGTERM"));
}

TEST_CASE("a crash command that outlives the scenario's timeout is 'timed out'") {
  e2e_suite s(shell_suite());
  s.add("hang.toml", R"(checkpoints = ["shell_after_tmp"]
timeout = "200ms"
[crash]
command = ["{target}", "hang"]
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(has_line(r.out.text,
                 "timed out: crash command `" + shell_store().string() + " hang`: timed out after 200ms"));
  CHECK(last_line(r.out.text) == "0 passed, 1 failed");
}

TEST_CASE("a recovery step that hangs is 'timed out' too") {
  e2e_suite s(shell_suite());
  s.add("recover_hangs.toml", R"(checkpoints = ["shell_after_tmp"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
[[recover]]
command = ["{target}", "hang"]
)");
  // --timeout overrides the 30 s default for every command (setup and crash
  // included: generous enough for them on a loaded machine).
  const auto r = s.run({"--timeout", "1s"});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Contains("timed out: recovery step 1 `" + shell_store().string() + " hang` (" +
                                  (s.suite_dir() / "recover_hangs.toml").string() +
                                  ":6:1): ended with timed out after 1s, expected exit 0"));
}

TEST_CASE("a recovery step with the wrong exit code is 'recovery failed'") {
  e2e_suite s(store_suite());
  // A buggy build that skips recovery: fsck finds the temporary file.
  s.add("no_recovery.toml", store_scenario("store_after_tmp") + R"(
[env]
STORE_NO_RECOVERY = "1"
[[recover]]
command = ["{target}", "fsck"]
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(has_line(r.out.text, "recovery failed: recovery step 1 `" + store_exe().string() + " fsck` (" +
                                 (s.suite_dir() / "no_recovery.toml").string() +
                                 ":9:1): ended with exit 1, expected exit 0"));
}

TEST_CASE("a recovery step whose stdout lacks the expected text is 'recovery failed'") {
  e2e_suite s(store_suite());
  // A crash before the rename loses the new value 7: the old 5 is read back.
  s.add("lost_write.toml", store_scenario("store_after_tmp") + R"(
[[recover]]
command = ["{target}", "get"]
stdout_contains = "7"
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Contains("recovery failed: recovery step 1 `" + store_exe().string() + " get` ("));
  CHECK_THAT(r.out.text, Contains("): stdout does not contain \"7\"; it is \"5\\n\""));
  // The recovery step's stderr tail is shown: the store said what it repaired.
  CHECK(has_line(r.out.text, "recovery: removed data/value.tmp"));
}

TEST_CASE("without [[recover]], the crash command is rerun and must exit 0") {
  e2e_suite s(store_suite());
  s.add("rerun.toml", store_scenario("store_after_tmp") + R"(
[env]
STORE_NO_RECOVERY = "1"
[[assert]]
file = "data/value"
equals = "7\n"
)");
  // The rerun `set 7` completes the write even without recovery.
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(last_line(r.out.text) == "1 passed, 0 failed");
}

TEST_CASE("a failed assertion reports the count, its place, expected and actual") {
  e2e_suite s(store_suite());
  s.add("expects_new.toml", store_scenario("store_after_tmp") + R"(
[[recover]]
command = ["{target}", "fsck"]

[[assert]]
file = "data/value"
equals = "7\n"

[[assert]]
file = "data/value.tmp"
exists = false
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(has_line(r.out.text, "assertion failed: 1 of 2 assertions failed after recovery"));
  CHECK(has_line(r.out.text, (s.suite_dir() / "expects_new.toml").string() +
                                 ":10:1: file data/value is \"5\\n\", expected \"7\\n\""));
}

TEST_CASE("every failed assertion is listed, not only the first") {
  e2e_suite s(store_suite());
  s.add("two_wrong.toml", store_scenario("store_after_tmp") + R"(
[[recover]]
command = ["{target}", "get"]
[[assert]]
file = "data/value"
equals = "7\n"

[[assert]]
file = "data/meta.json"
json = "/value"
value = 7
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(has_line(r.out.text, "assertion failed: 2 of 2 assertions failed after recovery"));
  CHECK_THAT(r.out.text, Contains("file data/value is \"5\\n\", expected \"7\\n\""));
  CHECK_THAT(r.out.text, Contains("file data/meta.json at `/value` is 5, expected 7"));
}

TEST_CASE("a failure report shows how to reproduce the run by hand") {
  e2e_suite s(store_suite());
  s.add("repro.toml", store_scenario("store_after_tmp") + R"(
[[recover]]
command = ["{target}", "get"]
stdout_equals = "7\n"
)");
  const auto r = s.run();
  INFO(shown(r));
  const std::string exe = store_exe().string();
  CHECK(has_line(r.out.text, "reproduce:"));
  CHECK(has_line(r.out.text, "cd \"$(mktemp -d)\""));
  CHECK(has_line(r.out.text, exe + " init   # setup: exit 0"));
  CHECK(has_line(r.out.text, exe + " set 5   # setup: exit 0"));
  CHECK(has_line(r.out.text, "CRASHPOINT=store_after_tmp " + exe + " set 7   # crash: signal SIGABRT"));
  CHECK(has_line(r.out.text, exe + " get   # recover: exit 0"));
}
