// SPDX-License-Identifier: Apache-2.0
// Exploration: crash at every (checkpoint, hit) a command reaches, crash during
// recovery, idempotent recovery, and reproducing one crash point.
// Target: tests/fixtures/explore_store.cpp (put journals then applies each
// pair; recovery replays a leftover journal), with planted bugs.
#include <catch2/catch.hpp>

#include "suite_builder.hpp"

using namespace crashpoint::test;

namespace {

fs::path explore_store() { return fixture("explore_store"); }

// put a=1 b=2 c=3 reaches put_journaled once and put_applied three times.
const char* put_scenario = R"(checkpoints = "auto"
[crash]
command = ["{target}", "put", "a=1", "b=2", "c=3"]
[[recover]]
command = ["{target}", "show"]
stdout_equals = "a=1\nb=2\nc=3\n"
)";

// The suite file over explore_store, with a planted bug or none.
std::string store_suite_file(const std::string& bug = "") {
  const std::string env = bug.empty() ? "" : "[defaults]\nenv = { EXPLORE_STORE_BUG = \"" + bug + "\" }\n";
  return suite_toml(explore_store(), env);
}

}  // namespace

TEST_CASE("checkpoints = \"auto\" runs once per checkpoint hit the command reaches") {
  const e2e_suite s(store_suite_file(), {{"put.toml", put_scenario}});
  const auto r = s.run({"-j", "1"});
  INFO(r.out.text << r.err.text);
  CHECK(exited_with(r, 0));
  CHECK(verdicts(r.out.text) == std::vector<std::string>{
                                    "PASS  put  put_journaled@1",
                                    "PASS  put  put_applied@1",
                                    "PASS  put  put_applied@2",
                                    "PASS  put  put_applied@3",
                                });
  CHECK(last_line(r.out.text) == "4 passed, 0 failed");
}

TEST_CASE("explore finds the hits a planted bug cannot recover from, and tabulates them") {
  // unjournaled: applying a=1 then crashing before b=2 leaves a half-done put.
  const e2e_suite s(store_suite_file("unjournaled"), {{"put.toml", put_scenario}});
  const auto r = s.crashpoint({"explore", ".", "-j", "1"});
  INFO(r.out.text << r.err.text);
  CHECK(exited_with(r, 1));
  CHECK(verdicts(r.out.text) == std::vector<std::string>{
                                    "FAIL  put  put_applied@1",
                                    "FAIL  put  put_applied@2",
                                    "PASS  put  put_applied@3",
                                });
  CHECK_THAT(r.out.text, Catch::Contains("stdout differs from the expected text (- expected, + actual):\n"
                                         "      @@ -1,3 +1,1 @@\n       a=1\n      -b=2\n      -c=3\n"));
  CHECK_THAT(r.out.text, Catch::Matches(R"((.|\n)*put +put_applied +3 +1 +2 +FAIL\n(.|\n)*)"));
  CHECK(last_line(r.out.text) == "1 passed, 2 failed");
}

TEST_CASE("explore caps hits per checkpoint and filters names by glob") {
  const e2e_suite s(store_suite_file(), {{"put.toml", put_scenario}});
  const auto capped = s.crashpoint({"explore", ".", "-j", "1", "--max-hits", "2"});
  CHECK(verdicts(capped.out.text) == std::vector<std::string>{
                                         "PASS  put  put_journaled@1",
                                         "PASS  put  put_applied@1",
                                         "PASS  put  put_applied@2",
                                     });
  const auto only = s.crashpoint({"explore", ".", "-j", "1", "--include", "put_j*"});
  CHECK(verdicts(only.out.text) == std::vector<std::string>{"PASS  put  put_journaled@1"});
  const auto without = s.crashpoint({"explore", ".", "-j", "1", "--exclude", "put_applied"});
  CHECK(verdicts(without.out.text) == std::vector<std::string>{"PASS  put  put_journaled@1"});
}

TEST_CASE("explore --double crashes recovery at each checkpoint it reaches, then recovers cleanly") {
  const e2e_suite s(store_suite_file(), {{"put.toml", put_scenario}});
  const auto r = s.crashpoint({"explore", ".", "-j", "1", "--double", "--include", "put_journaled"});
  INFO(r.out.text << r.err.text);
  CHECK(exited_with(r, 0));
  // Recovery after a crash at put_journaled replays three pairs (three hits of
  // recover_replayed) and reaches the fail point recover_done once.
  CHECK(verdicts(r.out.text) == std::vector<std::string>{
                                    "PASS  put  put_journaled@1",
                                    "PASS  put  put_journaled@1+recover_replayed@1",
                                    "PASS  put  put_journaled@1+recover_replayed@2",
                                    "PASS  put  put_journaled@1+recover_replayed@3",
                                    "PASS  put  put_journaled@1+recover_done@1",
                                });
}

TEST_CASE("explore --double catches a recovery that is not safe to crash") {
  // early_truncate: recovery drops the journal before replaying it.
  const e2e_suite s(store_suite_file("early_truncate"), {{"put.toml", put_scenario}});
  const auto r = s.crashpoint({"explore", ".", "-j", "1", "--double", "--include", "put_journaled"});
  INFO(r.out.text);
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Catch::Contains("FAIL  put  put_journaled@1+recover_replayed@1"));
  CHECK_THAT(r.out.text, Catch::Contains("PASS  put  put_journaled@1  ("));
}

TEST_CASE("idempotent = true catches a recovery whose second pass changes the state") {
  const std::string scenario = "idempotent = true\n" + std::string(put_scenario);
  const e2e_suite good(store_suite_file(), {{"put.toml", scenario}});
  CHECK(exited_with(good.run({"--filter", "put_journaled", "-j", "1"}), 0));

  const e2e_suite bad(store_suite_file("counter"), {{"put.toml", scenario}});
  const auto r = bad.run({"--filter", "put_journaled", "-j", "1"});
  INFO(r.out.text);
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Catch::Contains("recovery not idempotent: running recovery a second "
                                         "time changed the workdir (1 change)") &&
                             Catch::Contains("data/recoveries changed"));
}

TEST_CASE("run --only SCENARIO@CHECKPOINT@HIT reruns one explored crash point") {
  const e2e_suite s(store_suite_file("unjournaled"), {{"put.toml", put_scenario}});
  const auto r = s.run({"--only", "put@put_applied@2"});
  INFO(r.out.text << r.err.text);
  CHECK(exited_with(r, 1));
  CHECK(verdicts(r.out.text) == std::vector<std::string>{"FAIL  put  put_applied@2"});
  // The reproduction arms exactly that hit.
  CHECK_THAT(r.out.text, Catch::Contains("CRASHPOINT=put_applied@2 "));
}

TEST_CASE("a discovery run that does not exit 0 is reported, not silently skipped") {
  const e2e_suite s(store_suite_file(), {{"put.toml", R"(checkpoints = "auto"
[crash]
command = ["{target}", "bogus-command"]
)"}});
  const auto r = s.run({"-j", "1"});
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Catch::Contains("FAIL  put  (discovery)") &&
                             Catch::Contains("discovery failed: unarmed, the crash command"));
}

TEST_CASE("list prints every run, explored crash points too, and run executes exactly those") {
  const e2e_suite s(store_suite_file(), {{"put.toml", put_scenario},
                                         {"listed.toml", R"(checkpoints = ["put_journaled", "put_applied@2"]
[crash]
command = ["{target}", "put", "a=1", "b=2", "c=3"]
)"}});
  const auto listed = s.crashpoint({"list", "."});
  INFO(shown(listed));
  CHECK(exited_with(listed, 0));
  const std::vector<std::string> ids{"listed@put_journaled", "listed@put_applied@2", "put@put_journaled@1",
                                     "put@put_applied@1",    "put@put_applied@2",    "put@put_applied@3"};
  CHECK(lines_of(listed.out.text) == ids);

  const auto ran = s.run({"-j", "1"});
  INFO(shown(ran));
  std::vector<std::string> ran_ids;
  for (const std::string& v : verdicts(ran.out.text)) {
    const auto fields = v.substr(6);  // "SCENARIO  CHECKPOINT"
    ran_ids.push_back(fields.substr(0, fields.find("  ")) + "@" + fields.substr(fields.find("  ") + 2));
  }
  CHECK(ran_ids == ids);
}

TEST_CASE("list of a suite with only \"auto\" scenarios prints their runs") {
  const e2e_suite s(store_suite_file(), {{"put.toml", put_scenario}});
  const auto r = s.crashpoint({"list", ".", "--max-hits", "1"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(r.out.text == "put@put_journaled@1\nput@put_applied@1\n");
}

TEST_CASE("list reports a discovery that fails, lists the other runs, and exits 1") {
  const e2e_suite s(store_suite_file(), {{"put.toml", put_scenario}, {"broken.toml", R"(checkpoints = "auto"
[crash]
command = ["{target}", "bogus-command"]
)"}});
  const auto r = s.crashpoint({"list", "."});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(lines_of(r.out.text).size() == 4);  // put's
  CHECK_THAT(r.err.text, Catch::Contains("FAIL  broken  (discovery)") &&
                             Catch::Contains("1 scenario could not be explored (above): its runs are "
                                             "not listed"));
}

TEST_CASE("run --only ID discovers only the scenario of ID") {
  // broken's discovery would fail: run --only on another scenario never runs it.
  const e2e_suite s(store_suite_file(), {{"put.toml", put_scenario},
                                         {"broken.toml", R"(checkpoints = "auto"
[crash]
command = ["{target}", "bogus-command"]
)"},
                                         {"listed.toml", R"(checkpoints = ["put_journaled"]
[crash]
command = ["{target}", "put", "a=1"]
)"}});
  for (const std::string id : {"listed@put_journaled", "put@put_applied@2"}) {
    const auto r = s.run({"--only", id});
    INFO(shown(r));
    CHECK(exited_with(r, 0));
    CHECK(verdicts(r.out.text).size() == 1);
    CHECK_THAT(r.out.text, !Catch::Contains("discovery"));
  }
}

TEST_CASE("an --only or --filter that matches no explored run is a usage error") {
  const e2e_suite s(store_suite_file(), {{"put.toml", put_scenario}});
  const auto only = s.run({"--only", "put@put_applied@9"});
  INFO(shown(only));
  CHECK(exited_with(only, 2));
  CHECK(only.err.text ==
        "crashpoint: --only \"put@put_applied@9\": no run has this id (did you mean "
        "\"put@put_applied@1\"?)\n");
  const auto listed = s.crashpoint({"list", ".", "--only", "put@put_aplied@3"});
  CHECK(exited_with(listed, 2));
  CHECK_THAT(listed.err.text, Catch::Contains("did you mean \"put@put_applied@3\"?"));
  const auto filter = s.run({"--filter", "put@nothing*"});
  INFO(shown(filter));
  CHECK(exited_with(filter, 2));
  CHECK(filter.err.text == "crashpoint: no runs match the filter\n");
}
