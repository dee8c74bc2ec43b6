// SPDX-License-Identifier: Apache-2.0
// The harness's public C++ API (crashpoint/harness.hpp) on small suites.
#include <catch2/catch.hpp>

#include <crashpoint/harness.hpp>
#include <fstream>

#include "files.hpp"
#include "spawn.hpp"

using namespace crashpoint::test;

namespace {

// A suite over the checkpoint_actions fixture with one scenario, two runs.
void write_suite(const temp_dir& dir) {
  write_file(dir / "s/crashpoint.toml",
             "[target]\ncommand = \"" + fixture("checkpoint_actions").string() + "\"\n");
  write_file(dir / "s/basic.toml", R"(
checkpoints = ["a", "missing"]
[crash]
command = ["{target}", "panic", "a"]
[[assert]]
cpp = "workdir_is_empty"
)");
}

}  // namespace

TEST_CASE("suite_set lists runs and executes one, reporting every step") {
  temp_dir dir;
  write_suite(dir);
  crashpoint::register_assertion("workdir_is_empty", [](crashpoint::assertion_context& ctx) {
    if (!fs::is_empty(ctx.workdir())) ctx.fail("workdir is not empty");
    if (ctx.steps().empty() || ctx.steps().front().phase != "crash") ctx.fail("no crash step");
  });
  const auto suites = crashpoint::suite_set::load({dir / "s"});
  CHECK(suites.runs() == std::vector<std::string>{"basic@a", "basic@missing"});

  const crashpoint::run_report passed = suites.execute("basic@a");
  INFO(passed.text());
  CHECK(passed.passed);
  REQUIRE(passed.steps.size() == 2);
  CHECK(passed.steps[0].phase == "crash");
  CHECK(passed.steps[0].how == crashpoint::step_report::end::signaled);
  CHECK(passed.steps[0].signal == SIGABRT);
  CHECK(passed.steps[1].phase == "recover");
  CHECK(passed.run_dir.empty());  // passing runs are not kept by default

  crashpoint::run_settings keep_none;
  keep_none.keep_dirs = crashpoint::run_settings::keep::none;
  const crashpoint::run_report failed = suites.execute("basic@missing", keep_none);
  CHECK_FALSE(failed.passed);
  CHECK(failed.failure == "checkpoint not reached");
  CHECK_THAT(failed.text(), Catch::StartsWith("FAIL  basic  missing  (") && Catch::Contains("reproduce:"));
}

TEST_CASE("a C++ assertion that throws fails with the exception's message") {
  temp_dir dir;
  write_suite(dir);
  crashpoint::register_assertion("workdir_is_empty", [](crashpoint::assertion_context&) {
    throw std::runtime_error("database is locked");
  });
  const auto r = crashpoint::suite_set::load({dir / "s"}).execute("basic@a");
  CHECK_FALSE(r.passed);
  CHECK(r.failure == "assertion failed");
  REQUIRE(r.details.size() == 1);
  CHECK_THAT(r.details[0], Catch::EndsWith("C++ assertion `workdir_is_empty`: threw: database is locked"));
}

TEST_CASE("suite_set::load throws load_error with every diagnostic") {
  temp_dir dir;
  write_file(dir / "s/crashpoint.toml", "[target]\ncommand = \"x\"\n");
  write_file(dir / "s/bad.toml", "checkpoints = 3\n[crash]\ncommand = [\"x\"]\n");
  try {
    (void)crashpoint::suite_set::load({dir / "s"});
    FAIL("load did not throw");
  } catch (const crashpoint::load_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("bad.toml:1:") && Catch::Contains("checkpoints"));
  }
}

TEST_CASE("executing an unknown run id throws invalid_argument") {
  temp_dir dir;
  write_suite(dir);
  const auto suites = crashpoint::suite_set::load({dir / "s"});
  CHECK_THROWS_AS(suites.execute("basic@nope"), std::invalid_argument);
}

TEST_CASE("suite_set with settings lists and executes the crash points of \"auto\" scenarios") {
  temp_dir dir;
  write_file(dir / "s/crashpoint.toml",
             "[target]\ncommand = \"" + fixture("explore_store").string() + "\"\n");
  write_file(dir / "s/put.toml", R"(checkpoints = "auto"
[setup]
steps = [["{target}", "put", "z=0"]]
[crash]
command = ["{target}", "put", "a=1", "b=2"]
[[recover]]
command = ["{target}", "show"]
stdout_equals = "a=1\nb=2\nz=0\n"
)");
  const auto suites = crashpoint::suite_set::load({dir / "s"});
  CHECK(suites.runs().empty());
  const crashpoint::run_settings settings;
  CHECK(suites.runs(settings) ==
        std::vector<std::string>{"put@put_journaled@1", "put@put_applied@1", "put@put_applied@2"});
  const crashpoint::run_report r = suites.execute("put@put_applied@2", settings);
  INFO(r.text());
  CHECK(r.passed);
  REQUIRE(r.steps.size() == 3);
  CHECK(r.steps[0].phase == "setup");  // copied from the traced run's state, still reported
  CHECK(r.steps[1].phase == "crash");
  CHECK_THROWS_AS(suites.execute("put@put_applied@7", settings), std::invalid_argument);
}

TEST_CASE("suite_set::execute_all executes listed runs and the crash points of \"auto\" scenarios") {
  temp_dir dir;
  write_file(dir / "s/crashpoint.toml",
             "[target]\ncommand = \"" + fixture("explore_store").string() + "\"\n");
  const std::string body = R"(
[setup]
steps = [["{target}", "put", "z=0"]]
[crash]
command = ["{target}", "put", "a=1", "b=2"]
[[recover]]
command = ["{target}", "show"]
stdout_equals = "a=1\nb=2\nz=0\n"
)";
  write_file(dir / "s/put.toml", "checkpoints = \"auto\"\n" + body);
  write_file(dir / "s/put_listed.toml", "checkpoints = [\"put_journaled\"]\n" + body);
  const auto suites = crashpoint::suite_set::load({dir / "s"});
  crashpoint::run_settings settings;
  settings.jobs = GENERATE(1u, 2u);
  const std::vector<crashpoint::run_report> reports = suites.execute_all(settings);
  std::vector<std::string> ids;
  for (const crashpoint::run_report& r : reports) {
    INFO(r.text());
    CHECK(r.passed);
    ids.push_back(r.id);
  }
  CHECK(ids == std::vector<std::string>{"put@put_journaled@1", "put@put_applied@1", "put@put_applied@2",
                                        "put_listed@put_journaled"});
  CHECK(ids == suites.runs(settings));
}

TEST_CASE("suite_set::execute_all reports a failed discovery in place of its crash points") {
  temp_dir dir;
  write_file(dir / "s/crashpoint.toml",
             "[target]\ncommand = \"" + fixture("checkpoint_actions").string() + "\"\n");
  write_file(dir / "s/broken.toml", R"(checkpoints = "auto"
[crash]
command = ["/bin/sh", "-c", "exit 3"]
)");
  write_file(dir / "s/basic.toml", R"(
checkpoints = ["a"]
[crash]
command = ["{target}", "panic", "a"]
)");
  const std::vector<crashpoint::run_report> reports = crashpoint::suite_set::load({dir / "s"}).execute_all();
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].scenario == "broken");
  CHECK(reports[0].failure == "discovery failed");
  CHECK(reports[1].id == "basic@a");
  CHECK(reports[1].passed);
}
