// SPDX-License-Identifier: Apache-2.0
// Each action observed from outside: a fixture program is run with the arming
// variable set, and the test checks how it ended and the exact stderr line.
#include <catch2/catch.hpp>

#include "spawn.hpp"

using namespace crashpoint::test;

namespace {

const std::string crash_line = "CRASHPOINT: crashing at checkpoint `a` (intentional)\n";

crashpoint::harness::command_result run_actions(std::vector<std::string> args, env_vars env) {
  return spawn(fixture("checkpoint_actions"), std::move(args), std::move(env));
}

}  // namespace

TEST_CASE("unarmed checkpoints do nothing") {
  const auto r = run_actions({"panic", "a", "fail", "a"}, {});
  CHECK(exited_with(r, 0));
  CHECK(r.out.text == "passed a\npassed a\n");
  CHECK(r.err.text.empty());
}

TEST_CASE("a panic point aborts by default, after one message line") {
  const auto r = run_actions({"panic", "b", "panic", "a", "panic", "c"}, {{"CRASHPOINT", "a"}});
  CHECK(killed_by(r, SIGABRT));
  CHECK(r.out.text == "passed b\n");
  CHECK(r.err.text == crash_line);
}

TEST_CASE("action abort raises SIGABRT") {
  const auto r = run_actions({"panic", "a"}, {{"CRASHPOINT", "a=abort"}});
  CHECK(killed_by(r, SIGABRT));
  CHECK(r.err.text == crash_line);
}

TEST_CASE("action kill ends the process with SIGKILL") {
  const auto r = run_actions({"panic", "a"}, {{"CRASHPOINT", "a=kill"}});
  CHECK(killed_by(r, SIGKILL));
  CHECK(r.err.text == crash_line);
}

TEST_CASE("action exit(N) ends the process with status N") {
  const auto r = run_actions({"panic", "a"}, {{"CRASHPOINT", "a=exit(42)"}});
  CHECK(exited_with(r, 42));
  CHECK(r.err.text == crash_line);
}

TEST_CASE("action throw unwinds to the program's handler") {
  const auto r = run_actions({"panic", "a", "panic", "b"}, {{"CRASHPOINT", "a=throw"}});
  CHECK(exited_with(r, 101));  // the fixture's main catches injected_crash
  CHECK(r.out.text == "caught a\n");
  CHECK(r.err.text == crash_line);
}

TEST_CASE("action sleep pauses, then carries on") {
  const auto r = run_actions({"panic", "a", "fail", "a"}, {{"CRASHPOINT", "a=sleep(1)"}});
  CHECK(exited_with(r, 0));
  CHECK(r.out.text == "passed a\npassed a\n");
  CHECK(r.err.text.empty());
}

TEST_CASE("a fail point returns an error by default") {
  const auto r = run_actions({"fail", "a", "fail", "b"}, {{"CRASHPOINT", "a"}});
  CHECK(exited_with(r, 0));
  CHECK(r.out.text == "failed a: CRASHPOINT: failing at checkpoint `a` (intentional)\npassed b\n");
  CHECK(r.err.text.empty());
}

TEST_CASE("a fail point given a crash action crashes") {
  const auto r = run_actions({"fail", "a"}, {{"CRASHPOINT", "a=exit(3)"}});
  CHECK(exited_with(r, 3));
  CHECK(r.out.text.empty());
  CHECK(r.err.text == crash_line);
}

TEST_CASE("a panic point armed with error reports the misconfiguration and does not fire") {
  const auto r = run_actions({"panic", "a", "panic", "a"}, {{"CRASHPOINT", "a=error"}});
  CHECK(exited_with(r, 0));
  CHECK(r.out.text == "passed a\npassed a\n");
  CHECK(r.err.text ==
        "CRASHPOINT: checkpoint `a` is a panic point (maybe_panic_at); action `error` applies "
        "only to fail points (maybe_fail_at), so it does not fire\n");
}

TEST_CASE("@HIT fires on that hit only") {
  const auto r = run_actions({"fail", "a", "fail", "a", "fail", "a", "fail", "a"}, {{"CRASHPOINT", "a@3"}});
  CHECK(exited_with(r, 0));
  CHECK(r.out.text ==
        "passed a\npassed a\nfailed a: CRASHPOINT: failing at checkpoint `a` (intentional)\n"
        "passed a\n");
}

TEST_CASE("several entries for one name: the first matching entry wins") {
  const auto r =
      run_actions({"panic", "a", "panic", "a", "panic", "a"}, {{"CRASHPOINT", "a@1=sleep(0), a@3=exit(9)"}});
  CHECK(exited_with(r, 9));
  CHECK(r.out.text == "passed a\npassed a\n");
}

TEST_CASE("several names armed at once") {
  const auto r = run_actions({"fail", "x", "fail", "y", "panic", "a"}, {{"CRASHPOINT", "x, a=exit(5) ,y"}});
  CHECK(exited_with(r, 5));
  CHECK(r.out.text ==
        "failed x: CRASHPOINT: failing at checkpoint `x` (intentional)\n"
        "failed y: CRASHPOINT: failing at checkpoint `y` (intentional)\n");
}

TEST_CASE("an invalid entry gets one diagnostic and is not armed") {
  const auto r = run_actions({"panic", "a", "panic", "b"}, {{"CRASHPOINT", "a@0,b=explode"}});
  CHECK(exited_with(r, 0));
  CHECK(r.err.text ==
        "CRASHPOINT: ignoring invalid entry `a@0`: after `@`, expected a hit number: a positive "
        "integer such as `@2`\n"
        "CRASHPOINT: ignoring invalid entry `b=explode`: after `=`, expected an action: abort, "
        "kill, exit(N) with N in 0..255, throw, error, or sleep(MS) with MS up to 86400000\n");
}

TEST_CASE("a renamed variable arms and prefixes messages with its own name") {
  const auto fixture_path = fixture("heddle_actions");
  SECTION("the seed's message, exactly") {
    const auto r = spawn(fixture_path, {"panic", "mapping_after_tmp_before_commit"},
                         {{"HEDDLE_FAULT_INJECT", "mapping_after_tmp_before_commit"}});
    CHECK(killed_by(r, SIGABRT));
    CHECK(r.err.text ==
          "HEDDLE_FAULT_INJECT: crashing at checkpoint `mapping_after_tmp_before_commit` "
          "(intentional)\n");
  }
  SECTION("fail message") {
    const auto r = spawn(fixture_path, {"fail", "a"}, {{"HEDDLE_FAULT_INJECT", "a"}});
    CHECK(r.out.text == "failed a: HEDDLE_FAULT_INJECT: failing at checkpoint `a` (intentional)\n");
  }
  SECTION("the default variable no longer arms it") {
    const auto r = spawn(fixture_path, {"panic", "a"}, {{"CRASHPOINT", "a"}});
    CHECK(exited_with(r, 0));
  }
}

TEST_CASE("a thread's scoped_points guard wins over the environment") {
  const auto r =
      run_actions({"guarded", "b", "panic", "a", "guarded", "b", "fail", "b"}, {{"CRASHPOINT", "a"}});
  CHECK(exited_with(r, 0));
  CHECK(r.out.text == "passed a\nfailed b: CRASHPOINT: failing at checkpoint `b` (intentional)\n");
}

TEST_CASE("the C API crashes and fails like the C++ one") {
  const auto c_user = fixture("c_api_user");
  const auto crashed = spawn(c_user, {"panic", "a"}, {{"CRASHPOINT", "a"}});
  CHECK(killed_by(crashed, SIGABRT));
  CHECK(crashed.err.text == crash_line);
  const auto failed = spawn(c_user, {"fail", "a"}, {{"CRASHPOINT", "a"}});
  CHECK(exited_with(failed, 1));
  CHECK(failed.out.text == "failed a: CRASHPOINT: failing at checkpoint `a` (intentional)\n");
  const auto unarmed = spawn(c_user, {"panic", "a"}, {{"CRASHPOINT", "b"}});
  CHECK(exited_with(unarmed, 0));
  CHECK(unarmed.out.text == "passed a\n");
}

TEST_CASE("a CRASHPOINT_DISABLED build ignores the arming variable") {
  const auto r = spawn(fixture("disabled_actions"), {"panic", "a", "fail", "a"},
                       {{"CRASHPOINT", "a"}, {"CRASHPOINT_TRACE", "/dev/null"}});
  CHECK(exited_with(r, 0));
  CHECK(r.out.text == "passed a\npassed a\n");
  CHECK(r.err.text.empty());
}
