// SPDX-License-Identifier: Apache-2.0
// hostile_test.cpp: targets that hang, leave processes behind, flood their
// output, ignore signals, close their stdio, damage their workdir or start
// hundreds of processes, each run through the real crashpoint. Whatever the
// target does, the harness finishes with a verdict, leaves no process alive
// and no temporary folder behind. Fixtures: tests/fixtures/hostile_*.
#include "hostile_support.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

// Everything the harness and the fixtures started has ended: nothing outlived
// the harness, and each pid a fixture recorded is gone.
void check_nothing_alive(const hostile_suite& s, const observed_run& r) {
  INFO("recorded pids: " << s.recorded_pids().size());
  CHECK(r.leaked.empty());
  CHECK(s.recorded_alive().empty());
}

}  // namespace

TEST_CASE("hostile: a target that hangs is timed out, killed and reported") {
  hostile_suite s(hostile_target("hostile_hang"));
  s.add("hang.toml", crash_at_point(R"(["{target}", "--family"])", R"(
[[recover]]
command = ["{target}", "--family"]
)"));
  // The crash command crashes; its recovery (unarmed) hangs with its family.
  const observed_run r = s.observe({"run", ".", "--timeout", "1s", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  CHECK_THAT(r.result.out.text, Contains("FAIL  hang  hostile_point  ("));
  CHECK_THAT(r.result.out.text, Contains("timed out: recovery step 1 `" +
                                         hostile_target("hostile_hang").string() + " --family`"));
  CHECK_THAT(r.result.out.text, Contains("timed out after 1s"));
  CHECK(last_line(r.result.out.text) == "0 passed, 1 failed");
  CHECK(s.recorded_pids().size() == 3);  // the hang, its grandchild in the group, the one that left it
  check_nothing_alive(s, r);
  CHECK(s.leftovers().empty());
}

TEST_CASE("hostile: a target that ignores SIGTERM is still timed out and killed") {
  hostile_suite s(hostile_target("hostile_hang"));
  s.add("stubborn.toml", crash_at_point(R"(["{target}"])", R"(
[[recover]]
command = ["{target}", "--ignore-term"]
)"));
  const observed_run r = s.observe({"run", ".", "--timeout", "1s", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  CHECK_THAT(r.result.out.text, Contains("timed out after 1s"));
  CHECK(last_line(r.result.out.text) == "0 passed, 1 failed");
  CHECK(s.recorded_pids().size() == 1);
  check_nothing_alive(s, r);
}

TEST_CASE("hostile: grandchildren holding stdout and stderr do not hold the harness") {
  hostile_suite s(hostile_target("hostile_grandchildren"));
  // The default recovery runs the command again, unarmed: more grandchildren.
  s.add("hold.toml", crash_at_point(R"(["{target}"])"));
  // No --timeout: the 30 s default would fail this test long before it ends.
  const observed_run r = s.observe({"run", "."});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 0));
  CHECK_THAT(r.result.out.text, Contains("PASS  hold  hostile_point  ("));
  CHECK(s.recorded_pids().size() == 6);
  check_nothing_alive(s, r);
  CHECK(s.leftovers().empty());
}

TEST_CASE("hostile: a grandchild that left the process group does not outlive the run") {
  hostile_suite s(hostile_target("hostile_setsid"));
  s.add("leave.toml", crash_at_point(R"(["{target}"])"));
  const observed_run r = s.observe({"run", "."});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 0));
  CHECK_THAT(r.result.out.text, Contains("PASS  leave  hostile_point  ("));
  // Crash run and recovery each left a session leader and its daemon.
  CHECK(s.recorded_pids().size() == 4);
  check_nothing_alive(s, r);
  CHECK(s.leftovers().empty());
}

TEST_CASE("hostile: one run's daemon survives while another run's command ends (-j 2)") {
  hostile_suite s(hostile_target("hostile_daemon.sh"));
  s.add("a_owner.toml", crash_at_point(R"(["{target}", "owner"])"));
  s.add("b_other.toml", crash_at_point(R"(["{target}", "other"])"));
  const fs::path fifo_a = s.area() / "a", fifo_b = s.area() / "b";
  REQUIRE(::mkfifo(fifo_a.c_str(), 0600) == 0);
  REQUIRE(::mkfifo(fifo_b.c_str(), 0600) == 0);
  // a_owner's daemon, orphaned while a_owner runs, must not be taken for
  // b_other's leftover when b_other's crash command ends; it is killed once
  // a_owner has ended. (The timeout only stops a broken harness.)
  const observed_run r =
      s.observe({"run", ".", "-j", "2", "--timeout", "8s"},
                {{"HOSTILE_FIFO_A", fifo_a.string()}, {"HOSTILE_FIFO_B", fifo_b.string()}});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 0));
  CHECK(last_line(r.result.out.text) == "2 passed, 0 failed");
  CHECK(s.recorded_pids().size() == 1);
  check_nothing_alive(s, r);
}

// A crashed command's daemon must be dead before its recovery starts, at any
// -j: it could otherwise write into the workdir under recovery's feet, and
// the verdict would depend on -j (the run passes at -j 1 and failed at -j 2
// while the sweep spared orphans that another running command might own).
TEST_CASE(
    "hostile: a crashed command's daemon is killed before its recovery, at -j 1 and at -j 2 beside a busy "
    "run") {
  const int jobs = GENERATE(1, 2);
  INFO("-j " << jobs);
  hostile_suite s(hostile_target("hostile_recovery_daemon"));
  // Recovery: the same command unarmed, which pokes the daemon if it lives.
  s.add("b_owner.toml", crash_at_point(R"(["{target}", "owner"])"));
  ready_fifo busy_runs(s.area() / "busy-runs"), owner_recovered(s.area() / "owner-recovered");
  env_vars env;
  if (jobs == 2) {
    // a_busy's crash command runs from before the daemon starts until owner's
    // recovery has ended.
    s.add("a_busy.toml", crash_at_point(R"(["{target}", "busy"])"));
    env = {{"HOSTILE_FIFO_A", busy_runs.path().string()},
           {"HOSTILE_FIFO_B", owner_recovered.path().string()}};
  }
  const observed_run r = s.observe({"run", ".", "-j", std::to_string(jobs), "--timeout", "30s"}, env);
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 0));
  CHECK_THAT(r.result.out.text, Contains("PASS  b_owner  hostile_point  ("));
  CHECK_THAT(r.result.out.text, !Contains("wrote into the workdir"));
  check_nothing_alive(s, r);
}

TEST_CASE("hostile: gigabytes of output keep the harness under 100 MB and the crash message is found") {
  hostile_suite s(hostile_target("hostile_flood"));
  // 1 GiB on each stream, then the crash message as the last line of stderr.
  s.add("flood.toml", crash_at_point(R"(["{target}", "1G"])", R"(
[[recover]]
command = ["{target}", "0"]
)"));
  const observed_run r = s.observe({"run", "."});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 0));
  CHECK_THAT(r.result.out.text, Contains("PASS  flood  hostile_point  ("));
  CHECK(r.maxrss_kb > 0);
  CHECK(r.maxrss_kb < rss_bound_kib(100 * 1024));
  check_nothing_alive(s, r);
}

TEST_CASE("hostile: a target that closes its stdio is judged on what it did write") {
  hostile_suite s(hostile_target("hostile_close_stdio"));
  // Without stderr the crash message cannot be seen: crashed elsewhere.
  s.add("a_all.toml", crash_at_point(R"(["{target}", "all"])"));
  // With stderr kept it is a normal crash; recovery closes them again and exits 0.
  s.add("b_in_out.toml", crash_at_point(R"(["{target}", "in-out"])"));
  const observed_run r = s.observe({"run", ".", "-j", "1", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  CHECK(has_line(r.result.out.text,
                 "crashed elsewhere: crash command `" + hostile_target("hostile_close_stdio").string() +
                     " all`: expected signal SIGABRT with the message `CRASHPOINT: crashing at checkpoint "
                     "`hostile_point` (intentional)`, but it ended with signal SIGABRT and no such message"));
  CHECK_THAT(r.result.out.text, Contains("PASS  b_in_out  hostile_point  ("));
  CHECK(last_line(r.result.out.text) == "1 passed, 1 failed");
  check_nothing_alive(s, r);
  CHECK(s.leftovers().empty());
}

TEST_CASE("hostile: a target that deletes or chmods its workdir is reported and cleaned up") {
  hostile_suite s(hostile_target("hostile_close_stdio"));  // unused: every command is a shell line
  const std::string sh = R"("/bin/sh", "-c", )";
  // Folders with mode 000 below the workdir, then the workdir itself 000.
  s.add(
      "a_chmod.toml",
      crash_at_point(
          "[" + sh + R"("mkdir -p a/b/c && echo x > a/b/c/f && chmod 000 a/b/c a/b a && chmod 000 . && )" +
          R"(echo 'CRASHPOINT: crashing at checkpoint `hostile_point` (intentional)' >&2 && kill -ABRT $$"])"));
  // Every file and the workdir itself deleted.
  s.add(
      "b_delete.toml",
      crash_at_point(
          "[" + sh +
          R"("rm -rf \"$PWD\" && echo 'CRASHPOINT: crashing at checkpoint `hostile_point` (intentional)' >&2 && kill -ABRT $$"])"));
  // Only subfolders chmodded: the run can pass, and its folder is removed.
  s.add(
      "c_subfolders.toml",
      crash_at_point(
          "[" + sh +
              R"("mkdir -p d/e && chmod 000 d/e d && echo 'CRASHPOINT: crashing at checkpoint `hostile_point` (intentional)' >&2 && kill -ABRT $$"])",
          R"([[recover]]
command = ["/bin/true"]
)"));
  const observed_run r = s.observe({"run", ".", "-j", "1", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));  // b_delete cannot recover without its workdir
  const auto verdicts_seen = verdicts(r.result.out.text);
  REQUIRE(verdicts_seen.size() == 3);
  // Mode 000 stops everyone but root, for whom a_chmod's recovery runs (and crashes).
  CHECK(verdicts_seen[0] == "FAIL  a_chmod  hostile_point");
  if (::geteuid() != 0) CHECK_THAT(r.result.out.text, Contains("working directory is not accessible"));
  CHECK(verdicts_seen[1] == "FAIL  b_delete  hostile_point");
  CHECK_THAT(r.result.out.text, Contains("working directory does not exist"));
  CHECK(verdicts_seen[2] == "PASS  c_subfolders  hostile_point");
  check_nothing_alive(s, r);
  CHECK(s.leftovers().empty());  // the temporary root and every run folder are gone
}

TEST_CASE("hostile: 200 processes started by a target are all killed") {
  hostile_suite s(hostile_target("hostile_many"));
  // Crash run and recovery each leave 200 children, half of them setsid.
  s.add("many.toml", crash_at_point(R"(["{target}", "200"])"));
  const observed_run r = s.observe({"run", "."});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 0));
  CHECK_THAT(r.result.out.text, Contains("PASS  many  hostile_point  ("));
  CHECK(s.recorded_pids().size() == 400);
  check_nothing_alive(s, r);
  CHECK(s.leftovers().empty());
}
