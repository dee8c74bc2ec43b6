// interrupt_test.cpp: SIGINT or SIGTERM to the real crashpoint while a run's
// recovery command hangs. The harness kills every child process group (and
// what left them), removes the temporary folders of unfinished runs, keeps
// the failures that had completed, prints the partial summary and exits 130.
#include <csignal>
#include <thread>

#include "hostile_support.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

// Runs crashpoint with `args` under the observer, waits until `hanging`
// fixtures report that they hang, then sends `sig` to the harness (their
// parent, whose pid they report).
observed_run interrupt_when_hanging(const hostile_suite& s, std::vector<std::string> args, int sig,
                                    std::size_t hanging) {
  ready_fifo ready(s.area() / "ready");
  observed_run r;
  std::thread harness([&] { r = s.observe(std::move(args), {{"HOSTILE_READY", ready.path().string()}}); });
  const std::vector<long> reported = ready.wait_for_numbers(hanging);
  if (!reported.empty()) ::kill(static_cast<pid_t>(reported.front()), sig);
  harness.join();
  INFO("fixtures that reported they hang: " << reported.size());
  CHECK(reported.size() == hanging);
  return r;
}

// A suite over hostile_hang: a_fails ends as a failure at once ("checkpoint
// not reached"), b_hangs crashes and then hangs in recovery with a grandchild
// in its group and one that left it, c_never would do the same.
void add_scenarios(hostile_suite& s) {
  const std::string hang_in_recovery = R"(
[[recover]]
command = ["{target}", "--family"]
)";
  s.add("a_fails.toml", crash_at_point(R"(["/bin/true"])"));
  s.add("b_hangs.toml", crash_at_point(R"(["{target}"])", hang_in_recovery));
  s.add("c_never.toml", crash_at_point(R"(["{target}"])", hang_in_recovery));
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  return out;
}

}  // namespace

TEST_CASE("interrupt: SIGINT or SIGTERM kills the hanging run, keeps completed failures, exits 130") {
  const int sig = GENERATE(SIGINT, SIGTERM);
  INFO("signal " << sig);
  hostile_suite s(hostile_target("hostile_hang"));
  add_scenarios(s);
  // The timeout only ends a harness that ignores the signal.
  const observed_run r = interrupt_when_hanging(s, {"run", ".", "-j", "1", "--timeout", "20s"}, sig, 1);
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 130));
  CHECK(verdicts(r.result.out.text) == std::vector<std::string>{"FAIL  a_fails  hostile_point"});
  const auto lines = lines_of(r.result.out.text);
  REQUIRE(lines.size() >= 2);
  CHECK(lines[lines.size() - 2].starts_with("interrupted"));
  CHECK(lines.back() == "0 passed, 1 failed");

  CHECK(s.recorded_pids().size() == 3);  // b_hangs's recovery and its two grandchildren
  CHECK(r.leaked.empty());
  CHECK(s.recorded_alive().empty());

  // Only the completed failure is left, in the one temporary root.
  const auto roots = crashpoint_roots(s.harness_tmp());
  REQUIRE(roots.size() == 1);
  const auto kept = names_in(roots.front());
  REQUIRE(kept.size() == 1);
  CHECK(kept.front().starts_with("0001-a_fails"));
}

TEST_CASE("interrupt: with -j 2 every hanging run's processes are killed and nothing is kept") {
  hostile_suite s(hostile_target("hostile_hang"));
  const std::string hang_in_recovery = R"(
[[recover]]
command = ["{target}", "--family"]
)";
  s.add("a_hangs.toml", crash_at_point(R"(["{target}"])", hang_in_recovery));
  s.add("b_hangs.toml", crash_at_point(R"(["{target}"])", hang_in_recovery));
  s.add("c_never.toml", crash_at_point(R"(["{target}"])", hang_in_recovery));
  const observed_run r = interrupt_when_hanging(s, {"run", ".", "-j", "2", "--timeout", "20s"}, SIGINT, 2);
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 130));
  CHECK(verdicts(r.result.out.text).empty());
  CHECK(last_line(r.result.out.text) == "0 passed, 0 failed");
  CHECK(s.recorded_pids().size() == 6);
  CHECK(r.leaked.empty());
  CHECK(s.recorded_alive().empty());
  CHECK(crashpoint_roots(s.harness_tmp()).empty());
}

TEST_CASE("interrupt: a target that ignores SIGINT and SIGTERM is killed all the same") {
  hostile_suite s(hostile_target("hostile_hang"));
  s.add("stubborn.toml", crash_at_point(R"(["{target}"])", R"(
[[recover]]
command = ["{target}", "--ignore-term", "--family"]
)"));
  const observed_run r = interrupt_when_hanging(s, {"run", ".", "--timeout", "20s"}, SIGTERM, 1);
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 130));
  CHECK(last_line(r.result.out.text) == "0 passed, 0 failed");
  CHECK(s.recorded_pids().size() == 3);
  CHECK(r.leaked.empty());
  CHECK(s.recorded_alive().empty());
  CHECK(crashpoint_roots(s.harness_tmp()).empty());
}
