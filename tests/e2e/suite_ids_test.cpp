// SPDX-License-Identifier: Apache-2.0
// suite_ids_test.cpp: run ids stay unique when several suites are given, and a
// file reached through two paths (a folder and a link to it) is loaded once.
#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

// Two suites, app/ and lib/, each with a scenario save.toml, beside the
// builder's own crashpoint.toml (which neither uses: each has its own).
e2e_suite two_suites() {
  return e2e_suite(store_suite(), {{"app/crashpoint.toml", store_suite()},
                                   {"app/save.toml", store_scenario("store_after_tmp")},
                                   {"lib/crashpoint.toml", store_suite()},
                                   {"lib/save.toml", store_scenario("store_after_tmp")}});
}

}  // namespace

TEST_CASE("suite ids: with two suites, each run id starts with its suite's folder") {
  const e2e_suite s = two_suites();
  const auto listed = s.crashpoint({"list", "lib", "app"});
  INFO(shown(listed));
  CHECK(exited_with(listed, 0));
  CHECK(listed.out.text == "app/save@store_after_tmp\nlib/save@store_after_tmp\n");

  const auto ran = s.crashpoint({"run", "app", "lib", "--only", "lib/save@store_after_tmp"});
  INFO(shown(ran));
  CHECK(exited_with(ran, 0));
  CHECK(verdicts(ran.out.text) == std::vector<std::string>{"PASS  lib/save  store_after_tmp"});

  // One suite alone: the ids it always had.
  const auto alone = s.crashpoint({"list", "app"});
  CHECK(alone.out.text == "save@store_after_tmp\n");
}

TEST_CASE("suite ids: a folder and a link to it run each scenario once") {
  const e2e_suite s = two_suites();
  fs::create_directory_symlink("app", s.suite_dir() / "link");
  const auto listed = s.crashpoint({"list", "app", "link"});
  INFO(shown(listed));
  CHECK(exited_with(listed, 0));
  CHECK(listed.out.text == "save@store_after_tmp\n");
  const auto ran = s.crashpoint({"run", "link/save.toml", "app"});
  INFO(shown(ran));
  CHECK(exited_with(ran, 0));
  CHECK(last_line(ran.out.text) == "1 passed, 0 failed");
}

TEST_CASE("suite ids: two runs that would share an id are a usage error naming both files") {
  const e2e_suite s(store_suite(), {{"a.toml", store_scenario("b@c")}, {"a@b.toml", store_scenario("c")}});
  const auto r = s.crashpoint({"list", "."});
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK(r.out.text.empty());
  CHECK_THAT(r.err.text,
             Contains("two runs have the id \"a@b@c\"") && Contains("a.toml") && Contains("a@b.toml"));
}
