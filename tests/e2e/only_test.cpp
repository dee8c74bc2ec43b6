// SPDX-License-Identifier: Apache-2.0
// only_test.cpp: `--only SCENARIO@CHECKPOINT` on `run` and `list`: exact ids,
// repeatable, combined with --filter, and a did-you-mean for unknown ids.
#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

e2e_suite two_scenarios() {
  return e2e_suite(store_suite(), {{"deposit.toml", R"(
checkpoints = ["store_after_tmp", "store_after_rename", "store_after_tmp=kill"]
[setup]
steps = [["{target}", "init"], ["{target}", "set", "5"]]
[crash]
command = ["{target}", "set", "7"]
)"},
                                   {"withdraw.toml", store_scenario("store_after_meta")}});
}

}  // namespace

TEST_CASE("only: list --only prints exactly the named runs, in plan order") {
  const e2e_suite s = two_scenarios();
  const auto r = s.crashpoint(
      {"list", ".", "--only", "withdraw@store_after_meta", "--only", "deposit@store_after_tmp=kill"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(r.out.text == "deposit@store_after_tmp=kill\nwithdraw@store_after_meta\n");
}

TEST_CASE("only: run --only reruns just that run") {
  const e2e_suite s = two_scenarios();
  const auto r = s.run({"--only", "deposit@store_after_rename"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(verdicts(r.out.text) == std::vector<std::string>{"PASS  deposit  store_after_rename"});
  CHECK(last_line(r.out.text) == "1 passed, 0 failed");
}

TEST_CASE("only: an id is matched exactly, not as a substring") {
  const e2e_suite s = two_scenarios();
  const auto r = s.crashpoint({"list", ".", "--only", "deposit@store_after_tmp"});
  INFO(shown(r));
  CHECK(r.out.text == "deposit@store_after_tmp\n");  // not ...=kill
}

TEST_CASE("only: an unknown id is a usage error with the closest id") {
  const e2e_suite s = two_scenarios();
  const auto r = s.run({"--only", "deposit@store_after_rnme"});
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK(r.out.text.empty());
  CHECK(r.err.text ==
        "crashpoint: --only \"deposit@store_after_rnme\": no run has this id (did you mean "
        "\"deposit@store_after_rename\"?)\n");
}

TEST_CASE("only: a scenario name given to --only is explained") {
  const e2e_suite s = two_scenarios();
  const auto r = s.crashpoint({"list", ".", "--only", "withdraw"});
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK_THAT(r.err.text, Contains("--filter 'withdraw@*' selects all its runs"));
}

TEST_CASE("only: --only and --filter that leave nothing are a usage error") {
  const e2e_suite s = two_scenarios();
  const auto r = s.crashpoint({"list", ".", "--only", "withdraw@store_after_meta", "--filter", "deposit"});
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK(r.err.text == "crashpoint: no run matches both --filter and --only\n");
}
