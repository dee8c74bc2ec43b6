// SPDX-License-Identifier: Apache-2.0
// shard_test.cpp: `--shard K/N` and Bazel's test sharding protocol on `list`
// and `run`: the shards partition the runs, the split is stable when the
// suite grows, empty shards pass, and bad values are usage errors.
#include <algorithm>
#include <set>

#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

// Twelve runs over the store (most fail: only the split matters here).
std::string twelve_checkpoints() {
  return R"(checkpoints = ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11", "a12"]
[crash]
command = ["{target}", "get"]
)";
}

e2e_suite twelve_run_suite() {
  return e2e_suite(store_suite(),
                   {{"alpha.toml", twelve_checkpoints()}, {"beta.toml", twelve_checkpoints()}});
}

std::vector<std::string> listed(const e2e_suite& s, std::vector<std::string> extra = {}, env_vars env = {}) {
  std::vector<std::string> args{"list", "."};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = s.crashpoint(args, std::move(env));
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  return lines_of(r.out.text);
}

std::vector<std::string> shard(const e2e_suite& s, int k, int n) {
  return listed(s, {"--shard", std::to_string(k) + "/" + std::to_string(n)});
}

// The "SCENARIO@CHECKPOINT" of each PASS/FAIL line.
std::vector<std::string> run_ids(const std::string& out) {
  std::vector<std::string> ids;
  for (const std::string& v : verdicts(out)) {
    const auto first = v.find("  ", 6);
    ids.push_back(v.substr(6, first - 6) + "@" + v.substr(first + 2));
  }
  return ids;
}

}  // namespace

TEST_CASE("shard: the shards of N=3 together hold every run exactly once, in plan order") {
  const e2e_suite s = twelve_run_suite();
  const auto all = listed(s);
  REQUIRE(all.size() == 24);
  std::multiset<std::string> union_of_shards;
  for (int k = 1; k <= 3; ++k) {
    const auto part = shard(s, k, 3);
    CHECK_FALSE(part.empty());  // 24 ids spread over all three
    // Each shard is a subsequence of the full list: plan order is kept.
    auto it = all.begin();
    for (const std::string& id : part) {
      it = std::find(it, all.end(), id);
      CHECK(it != all.end());
    }
    union_of_shards.insert(part.begin(), part.end());
  }
  const std::multiset<std::string> every_run(all.begin(), all.end());
  CHECK(union_of_shards == every_run);  // each run in exactly one shard
}

TEST_CASE("shard: adding a scenario moves no existing run to another shard") {
  e2e_suite s(store_suite());
  s.add("alpha.toml", twelve_checkpoints());
  s.add("gamma.toml", twelve_checkpoints());
  std::vector<std::vector<std::string>> before;
  for (int k = 1; k <= 3; ++k) before.push_back(shard(s, k, 3));
  // "beta" sorts between the two: every existing run changes its position.
  s.add("beta.toml", twelve_checkpoints());
  for (int k = 1; k <= 3; ++k) {
    const auto after = shard(s, k, 3);
    std::vector<std::string> kept;
    for (const std::string& id : after) {
      if (id.rfind("beta@", 0) != 0) kept.push_back(id);
    }
    CHECK(kept == before[static_cast<std::size_t>(k - 1)]);
  }
}

TEST_CASE("shard: run --shard executes exactly the runs list --shard prints") {
  const e2e_suite s = twelve_run_suite();
  for (int k = 1; k <= 2; ++k) {
    const std::string spec = std::to_string(k) + "/2";
    const auto r = s.run({"--shard", spec});
    INFO(shown(r));
    auto ran = run_ids(r.out.text);
    std::sort(ran.begin(), ran.end());
    auto expected = shard(s, k, 2);
    std::sort(expected.begin(), expected.end());
    CHECK(ran == expected);
    CHECK(last_line(r.out.text) == "0 passed, " + std::to_string(expected.size()) + " failed");
  }
}

TEST_CASE("shard: Bazel's TEST_SHARD_INDEX (from 0) and TEST_TOTAL_SHARDS select the same shards") {
  const e2e_suite s = twelve_run_suite();
  for (int index = 0; index < 3; ++index) {
    const auto by_env =
        listed(s, {}, {{"TEST_TOTAL_SHARDS", "3"}, {"TEST_SHARD_INDEX", std::to_string(index)}});
    CHECK(by_env == shard(s, index + 1, 3));
  }
}

TEST_CASE("shard: Bazel's TEST_SHARD_STATUS_FILE is touched when sharding by its variables") {
  const e2e_suite s = twelve_run_suite();
  const fs::path status = s.suite_dir() / "status";
  const env_vars bazel{
      {"TEST_TOTAL_SHARDS", "2"}, {"TEST_SHARD_INDEX", "1"}, {"TEST_SHARD_STATUS_FILE", status.string()}};
  SECTION("run") {
    const auto r = s.run({}, bazel);
    INFO(shown(r));
    CHECK(exited_with(r, 1));
    CHECK(fs::is_regular_file(status));
    CHECK(run_ids(r.out.text).size() == shard(s, 2, 2).size());
  }
  SECTION("list") {
    CHECK(listed(s, {}, bazel) == shard(s, 2, 2));
    CHECK(fs::is_regular_file(status));
  }
  SECTION("an existing status file is kept") {
    std::ofstream(status) << "x";
    CHECK(listed(s, {}, bazel) == shard(s, 2, 2));
    CHECK(read_file(status) == "x");
  }
  SECTION("--shard wins, and then the status file is not touched") {
    CHECK(listed(s, {"--shard", "1/2"}, bazel) == shard(s, 1, 2));
    CHECK_FALSE(fs::exists(status));
  }
}

TEST_CASE("shard: without Bazel's shard variables the status file is left alone") {
  const e2e_suite s = twelve_run_suite();
  const fs::path status = s.suite_dir() / "status";
  CHECK(listed(s, {}, {{"TEST_SHARD_STATUS_FILE", status.string()}}).size() == 24);
  CHECK_FALSE(fs::exists(status));
}

TEST_CASE("shard: an empty shard passes with 0 passed, 0 failed") {
  e2e_suite s(store_suite());
  s.add("one.toml", store_scenario("store_after_rename"));
  // One run, two shards: one of them is empty.
  const int empty = shard(s, 1, 2).empty() ? 1 : 2;
  REQUIRE(shard(s, empty, 2).empty());
  const fs::path json_file = s.suite_dir().parent_path() / "report.json";
  const auto r = s.run({"--shard", std::to_string(empty) + "/2", "--json", json_file.string()});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(r.out.text == "0 passed, 0 failed\n");
  CHECK(r.err.text.empty());
  CHECK_THAT(read_file(json_file), Contains("\"planned\": 0"));
  const auto other = s.run({"--shard", std::to_string(3 - empty) + "/2"});
  CHECK(exited_with(other, 0));
  CHECK(last_line(other.out.text) == "1 passed, 0 failed");
}

TEST_CASE("shard: a bad --shard is a usage error that says what is wrong") {
  const e2e_suite s = twelve_run_suite();
  const auto error_of = [&](const std::string& value) {
    const auto r = s.crashpoint({"run", ".", "--shard", value});
    INFO(shown(r));
    CHECK(exited_with(r, 2));
    CHECK(r.out.text.empty());  // nothing ran
    return r.err.text;
  };
  const std::string expected =
      "crashpoint: --shard: expected K/N, shard K of N counting from 1 (such as 2/4), got ";
  CHECK(error_of("2") == expected + "\"2\"\n");
  CHECK(error_of("x/3") == expected + "\"x/3\"\n");
  CHECK(error_of("") == expected + "\"\"\n");
  CHECK(error_of("0/3") == "crashpoint: --shard 0/3: shards count from 1, so K is 1 to 3\n");
  CHECK(error_of("4/3") == "crashpoint: --shard 4/3: K must be at most N (3)\n");
  CHECK(error_of("1/0") == "crashpoint: --shard 1/0: N, the number of shards, must be at least 1\n");
}

TEST_CASE("shard: bad Bazel shard variables are usage errors naming the variable") {
  const e2e_suite s = twelve_run_suite();
  const auto r = s.crashpoint({"list", "."}, {{"TEST_TOTAL_SHARDS", "2"}, {"TEST_SHARD_INDEX", "2"}});
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK(r.out.text.empty());
  CHECK(r.err.text ==
        "crashpoint: TEST_SHARD_INDEX=\"2\": expected a whole number from 0 to 1 (the index "
        "counts from 0; TEST_TOTAL_SHARDS is 2)\n");
}

TEST_CASE("shard: --filter applies first, then the shard splits what is left") {
  const e2e_suite s = twelve_run_suite();
  const auto filtered = listed(s, {"--filter", "alpha@*"});
  for (int k = 1; k <= 2; ++k) {
    std::vector<std::string> expected;
    const auto part = shard(s, k, 2);
    std::copy_if(part.begin(), part.end(), std::back_inserter(expected),
                 [](const std::string& id) { return id.rfind("alpha@", 0) == 0; });
    CHECK(listed(s, {"--filter", "alpha@*", "--shard", std::to_string(k) + "/2"}) == expected);
  }
}
