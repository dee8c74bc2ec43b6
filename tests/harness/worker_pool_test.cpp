// SPDX-License-Identifier: Apache-2.0
// worker_pool_test.cpp: each result stays linked to the run it came from,
// also when the session stops with some runs never started.
#include <catch2/catch.hpp>

#include <set>

#include "session/worker_pool.hpp"

using namespace crashpoint::harness;

TEST_CASE("worker pool: a stop leaves runs out, and every result keeps its own run") {
  scenario scen;
  scen.name = "s";
  std::vector<run_spec> runs(40);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    runs[i].scen = &scen;
    runs[i].checkpoint = "c" + std::to_string(i);
    runs[i].index = i;
  }
  std::atomic<bool> stop{false};
  std::atomic<int> executed{0};
  const run_executor exec = [&](const run_spec& run) {
    run_result r;
    r.checkpoint = run.checkpoint;
    r.kind = run.index % 2 == 0 ? failure_kind::none : failure_kind::assertion_failed;
    if (++executed == 9) stop = true;  // as a ^C in the middle of the session
    return r;
  };
  const unsigned jobs = GENERATE(1u, 3u);
  std::size_t reported = 0;
  const auto finished = execute_runs(
      runs, exec, jobs, [&](const finished_run&) { ++reported; }, stop);
  CHECK(finished.size() == reported);
  CHECK(finished.size() < runs.size());
  std::set<const run_spec*> seen;
  for (const finished_run& f : finished) {
    REQUIRE(f.run >= runs.data());
    REQUIRE(f.run < runs.data() + runs.size());
    CHECK(f.result.checkpoint == f.run->checkpoint);
    CHECK(f.result.passed() == (f.run->index % 2 == 0));
    CHECK(seen.insert(f.run).second);
  }
  // In the order of the list.
  for (std::size_t i = 1; i < finished.size(); ++i) CHECK(finished[i - 1].run < finished[i].run);
}
