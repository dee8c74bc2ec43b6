// SPDX-License-Identifier: Apache-2.0
// --only: exact run ids, their errors, and how they combine with --filter.
#include <catch2/catch.hpp>

#include "plan/run_plan.hpp"

using namespace crashpoint::harness;

namespace {

// Two scenarios: deposit (a, b, a@2=kill) and withdraw (a).
std::vector<loaded_suite> two_scenarios() {
  loaded_suite s;
  scenario deposit, withdraw;
  deposit.name = "deposit";
  deposit.checkpoints = {{"a", {}}, {"b", {}}, {"a@2=kill", {}}};
  withdraw.name = "withdraw";
  withdraw.checkpoints = {{"a", {}}};
  s.scenarios = {deposit, withdraw};
  return {s};
}

run_selection selecting(std::vector<std::string> filters, std::vector<std::string> only) {
  run_selection s;
  s.filters = std::move(filters);
  s.only = std::move(only);
  return s;
}

std::vector<std::string> ids(const selected_runs& s) {
  std::vector<std::string> out;
  for (const run_spec& r : s.runs) out.push_back(r.id());
  return out;
}

}  // namespace

TEST_CASE("only: --only selects runs by exact id, in plan order, numbered from 0") {
  const auto suites = two_scenarios();
  const auto s = select_runs(suites, selecting({}, {"withdraw@a", "deposit@b"}));
  CHECK(s.errors.empty());
  CHECK(ids(s) == std::vector<std::string>{"deposit@b", "withdraw@a"});
  REQUIRE(s.runs.size() == 2);
  CHECK(s.runs[0].index == 0);
  CHECK(s.runs[1].index == 1);
}

TEST_CASE("only: an id is exact: no substring, no glob, and an entry may hold '@'") {
  const auto suites = two_scenarios();
  CHECK(ids(select_runs(suites, selecting({}, {"deposit@a"}))) == std::vector<std::string>{"deposit@a"});
  CHECK(ids(select_runs(suites, selecting({}, {"deposit@a@2=kill"}))) ==
        std::vector<std::string>{"deposit@a@2=kill"});
  CHECK_FALSE(select_runs(suites, selecting({}, {"deposit@*"})).errors.empty());
}

TEST_CASE("only: --only and --filter must both match") {
  const auto suites = two_scenarios();
  CHECK(ids(select_runs(suites, selecting({"withdraw"}, {"withdraw@a", "deposit@a"}))) ==
        std::vector<std::string>{"withdraw@a"});
  const auto none = select_runs(suites, selecting({"withdraw"}, {"deposit@a"}));
  CHECK(none.errors.empty());  // the id exists; the filter leaves it out
  CHECK(none.runs.empty());
}

TEST_CASE("only: an id that names no run is an error with the closest id") {
  const auto suites = two_scenarios();
  const auto s = select_runs(suites, selecting({}, {"deposit@c", "withdraw@a"}));
  REQUIRE(s.errors.size() == 1);
  CHECK(s.errors[0] == "--only \"deposit@c\": no run has this id (did you mean \"deposit@a\"?)");
}

TEST_CASE("only: a scenario name alone is explained, with the --filter that selects its runs") {
  const auto s = select_runs(two_scenarios(), selecting({}, {"deposit"}));
  REQUIRE(s.errors.size() == 1);
  CHECK(s.errors[0] ==
        "--only \"deposit\": no run has this id; it is a scenario, and --only takes "
        "SCENARIO@CHECKPOINT: --filter 'deposit@*' selects all its runs");
}

TEST_CASE("only: an id far from every run points at `crashpoint list`") {
  const auto s = select_runs(two_scenarios(), selecting({}, {"something-else-entirely"}));
  REQUIRE(s.errors.size() == 1);
  CHECK(s.errors[0] ==
        "--only \"something-else-entirely\": no run has this id; `crashpoint list` prints "
        "every run's id");
}

TEST_CASE("only: without --only or --filter every run is selected") {
  CHECK(select_runs(two_scenarios(), selecting({}, {})).runs.size() == 4);
}

TEST_CASE("only: which scenarios may hold a selected run, before their runs are known") {
  const std::vector<std::string> names{"put", "put_more", "listed"};
  const auto may = [&](std::vector<std::string> filters, std::vector<std::string> only,
                       const std::string& name) {
    return may_select(selecting(std::move(filters), std::move(only)), name, names);
  };
  CHECK(may({}, {}, "put"));
  CHECK(may({}, {"put@a@1"}, "put"));
  CHECK_FALSE(may({}, {"listed@a"}, "put"));  // --only of another scenario: no discovery
  CHECK_FALSE(may({}, {"put@a@1"}, "put_more"));
  CHECK(may({}, {"pt@a@1"}, "put"));   // a typo in the scenario: any may be meant
  CHECK(may({"applied"}, {}, "put"));  // a substring may be in any checkpoint
  CHECK(may({"put@*"}, {}, "put"));
  CHECK(may({"p*"}, {}, "put"));
  CHECK_FALSE(may({"listed@*"}, {}, "put"));
  CHECK_FALSE(may({"put@*"}, {}, "put_more"));
}

TEST_CASE("only: two runs with one id are an error naming both scenario files") {
  loaded_suite s;
  scenario a, ab;
  a.name = "a";
  a.file = "/s/a.toml";
  a.checkpoints = {{"b@c", {}}};
  ab.name = "a@b";
  ab.file = "/s/a@b.toml";
  ab.checkpoints = {{"c", {}}};
  s.scenarios = {a, ab};
  const auto selected = select_runs(std::vector<loaded_suite>{s}, selecting({}, {}));
  REQUIRE(selected.errors.size() == 1);
  CHECK(selected.errors[0] ==
        "two runs have the id \"a@b@c\" (scenarios \"a\" in /s/a.toml and \"a@b\" in "
        "/s/a@b.toml): rename one of the scenario files");
}
