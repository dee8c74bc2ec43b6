// SPDX-License-Identifier: Apache-2.0
// Sharding: --shard K/N parsing, Bazel's variables, and the hash split.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "plan/shard.hpp"

using namespace crashpoint::harness;

namespace {

// A fake environment for choose_shard().
env_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

std::string parse_error(const std::string& text) {
  std::string error;
  const auto shard = parse_shard(text, error);
  CHECK_FALSE(shard);
  return error;
}

// One scenario with `count` checkpoints named c0, c1, ...
struct plan_fixture {
  suite target;
  scenario scen;
  std::vector<run_spec> runs() const {
    std::vector<run_spec> out;
    for (const located<std::string>& c : scen.checkpoints) {
      run_spec r;
      r.target = &target;
      r.scen = &scen;
      r.checkpoint = c.value;
      r.index = out.size();
      out.push_back(std::move(r));
    }
    return out;
  }
};

plan_fixture make_plan(std::size_t count) {
  plan_fixture p;
  p.scen.name = "scen";
  for (std::size_t i = 0; i < count; ++i) p.scen.checkpoints.push_back({"c" + std::to_string(i), {}});
  return p;
}

}  // namespace

TEST_CASE("shard: --shard K/N counts K from 1") {
  std::string error;
  const auto shard = parse_shard("2/3", error);
  REQUIRE(shard);
  CHECK(shard->index == 1);  // 0-based inside
  CHECK(shard->total == 3);
  CHECK(shard->text() == "2/3");
  CHECK(parse_shard("1/1", error));
  CHECK(parse_shard("1000/1000", error));
}

TEST_CASE("shard: a malformed --shard says what was expected and what it got") {
  const std::string expected = "--shard: expected K/N, shard K of N counting from 1 (such as 2/4), got ";
  CHECK(parse_error("3") == expected + "\"3\"");
  CHECK(parse_error("a/b") == expected + "\"a/b\"");
  CHECK(parse_error("1/2/3") == expected + "\"1/2/3\"");
  CHECK(parse_error(" 1/2") == expected + "\" 1/2\"");
  CHECK(parse_error("+1/2") == expected + "\"+1/2\"");
  CHECK(parse_error("-1/2") == expected + "\"-1/2\"");
  CHECK(parse_error("1/") == expected + "\"1/\"");
  CHECK(parse_error("") == expected + "\"\"");
  CHECK(parse_error("99999999999999999999999/2") == expected + "\"99999999999999999999999/2\"");
}

TEST_CASE("shard: K and N out of range name the rule they break") {
  CHECK(parse_error("0/3") == "--shard 0/3: shards count from 1, so K is 1 to 3");
  CHECK(parse_error("4/3") == "--shard 4/3: K must be at most N (3)");
  CHECK(parse_error("1/0") == "--shard 1/0: N, the number of shards, must be at least 1");
}

TEST_CASE("shard: FNV-1a 64 matches the published test vectors") {
  // From the FNV reference (isthe.com/chongo/tech/comp/fnv): the split must
  // not depend on the machine, the compiler or the standard library.
  CHECK(fnv1a_64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a_64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(fnv1a_64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("shard: a run's shard is its id's hash modulo N") {
  CHECK(fnv1a_64("deposit@deposit_after_intent") == 0xc541930c42955e29ULL);
  CHECK(shard_of("deposit@deposit_after_intent", 3) == 0);  // 0xc541930c42955e29 % 3
  CHECK(shard_of("deposit@deposit_after_intent", 7) == 2);
  CHECK(shard_of("anything", 1) == 0);
}

TEST_CASE("shard: the shards of N partition the plan, each in plan order, renumbered") {
  const plan_fixture p = make_plan(40);
  const auto all = p.runs();
  std::map<std::string, std::size_t> position;
  for (const run_spec& r : all) position[r.id()] = r.index;
  std::multiset<std::string> seen;
  for (std::size_t k = 0; k < 3; ++k) {
    const auto part = keep_shard(all, {k, 3});
    CHECK_FALSE(part.empty());  // 40 ids spread over all three
    for (std::size_t i = 0; i < part.size(); ++i) {
      CHECK(part[i].index == i);
      CHECK(shard_of(part[i].id(), 3) == k);
      if (i > 0) CHECK(position[part[i - 1].id()] < position[part[i].id()]);
      seen.insert(part[i].id());
    }
  }
  CHECK(seen.size() == all.size());
  CHECK(keep_shard(all, {0, 1}).size() == all.size());
  for (const run_spec& r : all) CHECK(seen.count(r.id()) == 1);
}

TEST_CASE("shard: without --shard, Bazel's variables choose the shard and name the status file") {
  const auto c = choose_shard(std::nullopt, fake_env({{"TEST_TOTAL_SHARDS", "4"},
                                                      {"TEST_SHARD_INDEX", "0"},
                                                      {"TEST_SHARD_STATUS_FILE", "/tmp/status"}}));
  CHECK(c.error.empty());
  REQUIRE(c.shard);
  CHECK(c.shard->index == 0);
  CHECK(c.shard->total == 4);
  CHECK(c.status_file == "/tmp/status");
}

TEST_CASE("shard: --shard wins over Bazel's variables, and then nothing is touched") {
  const auto c = choose_shard("2/2", fake_env({{"TEST_TOTAL_SHARDS", "4"},
                                               {"TEST_SHARD_INDEX", "3"},
                                               {"TEST_SHARD_STATUS_FILE", "/tmp/status"}}));
  REQUIRE(c.shard);
  CHECK(c.shard->index == 1);
  CHECK(c.shard->total == 2);
  CHECK(c.status_file.empty());
}

TEST_CASE("shard: no --shard and no Bazel variables: every run") {
  const auto c = choose_shard(std::nullopt, fake_env({{"TEST_SHARD_STATUS_FILE", "/tmp/status"}}));
  CHECK(c.error.empty());
  CHECK_FALSE(c.shard);
  CHECK(c.status_file.empty());  // not sharded: Bazel did not ask
}

TEST_CASE("shard: invalid Bazel variables are errors that name the variable") {
  CHECK(choose_shard(std::nullopt, fake_env({{"TEST_SHARD_INDEX", "1"}})).error ==
        "TEST_SHARD_INDEX is set but TEST_TOTAL_SHARDS is not: Bazel's test sharding sets both");
  CHECK(choose_shard(std::nullopt, fake_env({{"TEST_TOTAL_SHARDS", "2"}})).error ==
        "TEST_TOTAL_SHARDS is set but TEST_SHARD_INDEX is not: Bazel's test sharding sets both");
  CHECK(choose_shard(std::nullopt, fake_env({{"TEST_TOTAL_SHARDS", "0"}, {"TEST_SHARD_INDEX", "0"}})).error ==
        "TEST_TOTAL_SHARDS=\"0\": expected a whole number of at least 1");
  CHECK(choose_shard(std::nullopt, fake_env({{"TEST_TOTAL_SHARDS", "3"}, {"TEST_SHARD_INDEX", "3"}})).error ==
        "TEST_SHARD_INDEX=\"3\": expected a whole number from 0 to 2 (the index counts from 0; "
        "TEST_TOTAL_SHARDS is 3)");
  CHECK_FALSE(choose_shard(std::nullopt, fake_env({{"TEST_TOTAL_SHARDS", "3"}, {"TEST_SHARD_INDEX", "x"}}))
                  .error.empty());
}
