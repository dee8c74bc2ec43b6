// SPDX-License-Identifier: Apache-2.0
// The arming grammar: NAME[@HIT][=ACTION], comma-separated.
#include <catch2/catch.hpp>

#include "crashpoint/arming.hpp"

using crashpoint::action;
using crashpoint::action_kind;
using crashpoint::parse_arming;

TEST_CASE("a bare name arms every hit with the default action") {
  const auto list = parse_arming("mapping_after_tmp");
  REQUIRE(list.errors.empty());
  REQUIRE(list.entries.size() == 1);
  CHECK(list.entries[0].name == "mapping_after_tmp");
  CHECK(list.entries[0].hit == 0);
  CHECK_FALSE(list.entries[0].act.has_value());
}

TEST_CASE("whitespace around entries and empty entries are ignored") {
  const auto list = parse_arming(" a ,, \tb\n,  ,");
  REQUIRE(list.errors.empty());
  REQUIRE(list.entries.size() == 2);
  CHECK(list.entries[0].name == "a");
  CHECK(list.entries[1].name == "b");
}

TEST_CASE("an empty or blank variable arms nothing") {
  CHECK(parse_arming("").entries.empty());
  CHECK(parse_arming("  , ,").entries.empty());
  CHECK(parse_arming("  , ,").errors.empty());
}

TEST_CASE("@HIT selects one hit") {
  const auto list = parse_arming("a@3,b@18446744073709551615");
  REQUIRE(list.errors.empty());
  CHECK(list.entries[0].hit == 3);
  CHECK(list.entries[1].hit == 18446744073709551615ULL);
}

TEST_CASE("every action parses and prints back as written") {
  for (const char* text :
       {"abort", "kill", "exit(0)", "exit(255)", "throw", "error", "sleep(0)", "sleep(86400000)"}) {
    const auto act = crashpoint::parse_action(text);
    REQUIRE(act.has_value());
    CHECK(crashpoint::to_string(*act) == text);
  }
  CHECK(crashpoint::parse_action("exit(3)") == action{action_kind::exit, 3});
  CHECK(crashpoint::parse_action("sleep(25)") == action{action_kind::sleep, 0, 25});
}

TEST_CASE("hit and action combine") {
  const auto list = parse_arming("log_append@2=exit(7)");
  REQUIRE(list.errors.empty());
  CHECK(list.entries[0].name == "log_append");
  CHECK(list.entries[0].hit == 2);
  CHECK(list.entries[0].act == action{action_kind::exit, 7});
}

TEST_CASE("invalid entries are reported, never taken as valid") {
  struct bad_case {
    const char* text;
    const char* problem;
  };
  const bad_case cases[] = {
      {"a@0", "after `@`, expected a hit number"},
      {"a@", "after `@`, expected a hit number"},
      {"a@-1", "after `@`, expected a hit number"},
      {"a@x", "after `@`, expected a hit number"},
      {"a@99999999999999999999", "after `@`, expected a hit number"},
      {"a=", "after `=`, expected an action"},
      {"a=explode", "after `=`, expected an action"},
      {"a=exit(256)", "after `=`, expected an action"},
      {"a=exit()", "after `=`, expected an action"},
      {"a=exit(-1)", "after `=`, expected an action"},
      {"a=sleep(86400001)", "after `=`, expected an action"},
      {"a=Abort", "after `=`, expected an action"},
      {"@2", "the checkpoint name is empty"},
      {"=kill", "the checkpoint name is empty"},
      {"a b", "checkpoint names are printable ASCII"},
      {"a@1@2", "after `@`, expected a hit number"},
  };
  for (const bad_case& c : cases) {
    INFO(c.text);
    const auto list = parse_arming(c.text);
    CHECK(list.entries.empty());
    REQUIRE(list.errors.size() == 1);
    CHECK(list.errors[0].entry == c.text);
    CHECK_THAT(list.errors[0].problem, Catch::StartsWith(c.problem));
  }
}

TEST_CASE("a bad entry does not spoil the good ones around it") {
  const auto list = parse_arming("a, b@0, c=kill");
  REQUIRE(list.entries.size() == 2);
  CHECK(list.entries[0].name == "a");
  CHECK(list.entries[1].name == "c");
  REQUIRE(list.errors.size() == 1);
  CHECK(list.errors[0].entry == "b@0");
}
