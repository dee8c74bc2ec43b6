// SPDX-License-Identifier: Apache-2.0
// hostile_trace_test.cpp: targets that put something hostile where the
// harness reads their trace: a FIFO, a link to /dev/zero, millions of lines.
// The harness never waits on it, never reads it whole, and fails the run with
// the reason. Fixture: tests/fixtures/hostile_trace.cpp.
#include "hostile_support.hpp"

using namespace crashpoint::test;
using Catch::Contains;

TEST_CASE("hostile trace: a FIFO or a link to /dev/zero at the trace path fails the run at once") {
  hostile_suite s(hostile_target("hostile_trace"));
  s.add("a_fifo.toml", crash_at_point(R"(["{target}", "fifo"])"));
  s.add("b_zero.toml", crash_at_point(R"(["{target}", "zero"])"));
  s.add("c_plain.toml", crash_at_point(R"(["{target}", "plain"])"));
  const observed_run r = s.observe({"run", ".", "-j", "1", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  CHECK(verdicts(r.result.out.text) == std::vector<std::string>{"FAIL  a_fifo  hostile_point",
                                                                "FAIL  b_zero  hostile_point",
                                                                "PASS  c_plain  hostile_point"});
  CHECK_THAT(r.result.out.text, Contains("crashed elsewhere: crash command `" +
                                         hostile_target("hostile_trace").string() + " fifo`: the trace "));
  CHECK_THAT(r.result.out.text,
             Contains("/trace is a FIFO, not a regular file: the crash cannot be confirmed"));
  CHECK_THAT(r.result.out.text,
             Contains("/trace cannot be opened: it is a symbolic link: the crash cannot be confirmed"));
  CHECK(r.leaked.empty());
  CHECK(s.leftovers().empty());
}

TEST_CASE("hostile trace: a FIFO at a discovery or recovery trace fails that run, not the session") {
  hostile_suite s(hostile_target("hostile_trace"));
  s.add("a_discover.toml", R"(checkpoints = "auto"
[crash]
command = ["{target}", "fifo"]
)");
  // Discovery finds hostile_point@1; with --double, recovery is traced too.
  s.add("b_recover.toml", R"(checkpoints = "auto"
[crash]
command = ["{target}", "plain"]
[[recover]]
command = ["{target}", "fifo"]
)");
  const observed_run r = s.observe({"explore", ".", "-j", "1", "--double"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  CHECK_THAT(r.result.out.text, Contains("discovery failed: unarmed, the crash command `" +
                                         hostile_target("hostile_trace").string() +
                                         " fifo` exited 0, but its trace cannot be used: the trace "));
  CHECK_THAT(r.result.out.text,
             Contains("recovery failed: recovery passed, but its trace cannot be used: the trace "));
  CHECK_THAT(r.result.out.text, Contains("/recovery-trace is a FIFO, not a regular file"));
  CHECK(r.leaked.empty());
}

TEST_CASE("hostile trace: 4 million trace lines are streamed: the harness stays under 100 MB") {
  hostile_suite s(hostile_target("hostile_trace"));
  // About 150 MB of trace, the firing line last.
  s.add("flood.toml", crash_at_point(R"(["{target}", "flood", "4000000"])", R"(
[[recover]]
command = ["/bin/true"]
)"));
  const observed_run r = s.observe({"run", ".", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 0));
  CHECK_THAT(r.result.out.text, Contains("PASS  flood  hostile_point  ("));
  CHECK(r.maxrss_kb > 0);
  CHECK(r.maxrss_kb < rss_bound_kib(100 * 1024));
  CHECK(s.leftovers().empty());
}

TEST_CASE("hostile trace: more distinct crash points than the limit fails discovery with the limit") {
  hostile_suite s(hostile_target("hostile_trace"));
  s.add("many.toml", R"(checkpoints = "auto"
[crash]
command = ["{target}", "flood", "100001"]
)");
  const observed_run r = s.observe({"run", ".", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  CHECK_THAT(r.result.out.text,
             Contains("its trace cannot be used: the trace holds more than 100000 distinct "
                      "crash points (the limit) in "));
  CHECK(s.leftovers().empty());
}
