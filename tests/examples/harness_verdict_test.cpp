// SPDX-License-Identifier: Apache-2.0
// The harness's verdict on the bundled scenarios: all pass against minikv, and
// against minikv_buggy (a planted compaction bug) exactly the runs whose
// recovery is broken fail, each with the assertion that caught it. A harness
// that passed a broken program would be worse than none.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "spawn.hpp"

using namespace crashpoint::test;

namespace {

crashpoint::harness::command_result run_bundled_scenarios(const std::string& target) {
  return spawn(
      CRASHPOINT_TEST_EXE,
      {"run", (source_dir() / "scenarios").string(), "--target", target, "-j", "2", "--keep", "none"},
      {{"LANG", "C"}});
}

// The ids `SCENARIO  CHECKPOINT` of the runs reported as FAIL.
std::set<std::string> failed_runs(const std::string& out) {
  std::set<std::string> failed;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    // "FAIL  SCENARIO  CHECKPOINT  (12 ms)"
    std::istringstream words(line);
    std::string verdict, scenario, checkpoint;
    if (line.starts_with("FAIL  ") && words >> verdict >> scenario >> checkpoint) {
      failed.insert(scenario + "@" + checkpoint);
    }
  }
  return failed;
}

}  // namespace

TEST_CASE("every bundled scenario passes against minikv") {
  const auto r = run_bundled_scenarios(MINIKV_EXE);
  INFO(r.out.text);
  CHECK(exited_with(r, 0));
  CHECK(failed_runs(r.out.text).empty());
  // Listed runs, explored checkpoints (checkpoints = "auto") and explored
  // file-system calls (syscalls = true), under a process crash and under
  // power loss (with every in-order and torn state in power_loss_explore_put).
  CHECK_THAT(r.out.text, Catch::EndsWith("159 passed, 0 failed\n"));
}

TEST_CASE("the harness names exactly the runs that minikv_buggy cannot recover from") {
  const auto r = run_bundled_scenarios(MINIKV_BUGGY_EXE);
  INFO(r.out.text);
  CHECK(exited_with(r, 1));
  CHECK(failed_runs(r.out.text) == std::set<std::string>{
                                       "compact_before_commit@compact_before_rename",
                                       "compact_rename_fails@compact_rename",
                                       "compact_rollback_crash@compact_rename,compact_rollback",
                                       "compact_after_commit@log_after_truncate",
                                       // Exploration finds the same bug without being told where.
                                       "explore_compact@compact_before_rename@1",
                                       "explore_compact@compact_rename@1",
                                       "explore_compact@log_after_truncate@1",
                                       // And from outside, with no checkpoint at all: killed after
                                       // the log was emptied, before the snapshot was renamed in.
                                       "explore_compact@sys:fsync@3",
                                       "explore_compact@sys:rename@1",
                                       // A power cut in a sequence of acknowledged changes.
                                       "power_loss_changes@compact_before_rename@1",
                                       "power_loss_changes@compact_rename@1",
                                       "power_loss_changes@compact_after_rename@1",
                                       "power_loss_changes@sys:rename@1",
                                       "power_loss_changes@sys:fsync@8",
                                   });
  CHECK_THAT(r.out.text, Catch::EndsWith("151 passed, 14 failed\n"));
  // The failing assertion is named with its place, and a diff of expected against actual.
  CHECK_THAT(r.out.text, Catch::Contains("compact_before_commit.toml:") &&
                             Catch::Contains("stdout differs from the expected text (- expected, + actual):\n"
                                             "      @@ -1,2 +0,0 @@\n      -b=2\n      -c=3\n"));
  CHECK_THAT(r.out.text, Catch::Contains("data/wal.log changed"));
}
