// SPDX-License-Identifier: Apache-2.0
// coverage_test.cpp: `crashpoint coverage` through the real executable: the
// tree in tests/data/coverage (a defined-but-uncovered checkpoint, a scenario
// naming an undefined one), --require-all, --json, --pattern, --run through
// the checkpoint_actions fixture, and the exit statuses for bad input.
#include <nlohmann/json.hpp>

#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

fs::path data_dir() { return source_dir() / "tests/data/coverage"; }

// `crashpoint coverage args...` from tests/data/coverage, with TMPDIR and HOME in `tmp`.
crashpoint::harness::command_result coverage(std::vector<std::string> args, const temp_dir& tmp) {
  args.insert(args.begin(), "coverage");
  const env_vars env{{"TMPDIR", tmp.path().string()}, {"HOME", tmp.path().string()}};
  return spawn(crashpoint_exe(), std::move(args), env, data_dir());
}

const std::string pattern = R"re(inject\.Point\("([^"]+)"\))re";

}  // namespace

TEST_CASE("coverage lists definitions and scenarios, and exits 1 for an undefined name") {
  const temp_dir tmp;
  const auto r = coverage({"--source", "src", "scenarios"}, tmp);
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  const auto lines = lines_of(r.out.text);
  REQUIRE(lines.size() > 7);
  CHECK(lines[0] == "checkpoint            defined at                scenarios");
  CHECK(lines[1] == "compact_before_swap   compact.rs:3              (none)");
  CHECK(lines[2] == "index_after_write     index.c:5                 index");
  CHECK(lines[3] == "index_flush           index.c:10                index");
  CHECK(lines[4] == "journal_after_append  index.c:6, journal.cpp:5  append");
  CHECK(lines[5] == "journal_after_rename  journal.cpp:10            append");
  CHECK(lines[6] == "journal_fsync         journal.cpp:14            append");
  CHECK(has_line(r.out.text,
                 "scenarios/typo.toml:2:16: error: scenario `typo` names checkpoint "
                 "`journal_aftr_rename`, which no source defines (did you mean "
                 "`journal_after_rename`?)"));
  CHECK_THAT(r.out.text, Contains("checkpoints = \"auto\" (auto)"));
  CHECK(last_line(r.out.text) == "6 checkpoints: 5 covered, 1 not covered; 1 undefined name");
  CHECK(r.out.text.find('\033') == std::string::npos);
  CHECK(r.out.text.find("in_build_folder") == std::string::npos);
  CHECK(r.out.text.find("in_hidden_folder") == std::string::npos);
  CHECK(r.out.text.find("not_a_source_file") == std::string::npos);
}

TEST_CASE("coverage scans ./scenarios by default") {
  const temp_dir tmp;
  const auto r = coverage({"--source", "src"}, tmp);
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(last_line(r.out.text) == "6 checkpoints: 5 covered, 1 not covered; 1 undefined name");
}

TEST_CASE("coverage --require-all exits 1 when a defined checkpoint has no scenario") {
  const temp_dir tmp;
  const std::vector<std::string> args{"--source", "src", "scenarios/append.toml", "scenarios/index.toml"};
  const auto lenient = coverage(args, tmp);
  INFO(shown(lenient));
  CHECK(exited_with(lenient, 0));
  auto strict_args = args;
  strict_args.push_back("--require-all");
  const auto strict = coverage(strict_args, tmp);
  INFO(shown(strict));
  CHECK(exited_with(strict, 1));
  CHECK_THAT(strict.err.text,
             Contains("--require-all: 1 checkpoint is covered by no scenario: compact_before_swap"));
}

TEST_CASE("coverage --json writes every checkpoint, the undefined names and a summary") {
  const temp_dir tmp;
  const fs::path file = tmp.path() / "coverage.json";
  const auto r = coverage({"--source", "src", "--json", file.string(), "scenarios"}, tmp);
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  const nlohmann::json j = nlohmann::json::parse(read_file(file));
  CHECK(j["format_version"] == 1);
  CHECK(j["ran"] == false);
  REQUIRE(j["checkpoints"].size() == 6);
  CHECK(j["checkpoints"][0]["name"] == "compact_before_swap");
  CHECK(j["checkpoints"][0]["defined_at"] == nlohmann::json::parse(R"([{"file": "compact.rs", "line": 3}])"));
  CHECK(j["checkpoints"][0]["scenarios"].empty());
  CHECK(j["checkpoints"][3]["defined_at"].size() == 2);
  REQUIRE(j["undefined"].size() == 1);
  CHECK(j["undefined"][0]["name"] == "journal_aftr_rename");
  CHECK(j["undefined"][0]["scenario"] == "typo");
  CHECK(j["undefined"][0]["line"] == 2);
  CHECK(j["undefined"][0]["column"] == 16);
  CHECK(j["summary"]["checkpoints"] == 6);
  CHECK(j["summary"]["uncovered"] == 1);
  CHECK(j["summary"]["undefined"] == 1);
}

TEST_CASE("coverage --pattern finds the names a project's own wrapper defines") {
  const temp_dir tmp;
  const auto r = coverage({"--source", "src", "--pattern", pattern, "scenarios"}, tmp);
  INFO(shown(r));
  CHECK(has_line(r.out.text, "go_after_sync         hooks.go:5                (none)"));
  CHECK(last_line(r.out.text) == "7 checkpoints: 5 covered, 2 not covered; 1 undefined name");
}

TEST_CASE("coverage --run traces each scenario and counts the hits it reached") {
  const temp_dir tmp;
  const auto r = coverage({"--source", "src", "--run", "-j", "2", "--target",
                           fixture("checkpoint_actions").string(), "scenarios"},
                          tmp);
  INFO(shown(r));
  CHECK(exited_with(r, 1));  // the undefined name in typo.toml still fails
  CHECK(lines_of(r.out.text).front() ==
        "checkpoint            defined at                scenarios    reached");
  CHECK(has_line(r.out.text, "compact_before_swap   compact.rs:3              (none)       no"));
  CHECK(has_line(r.out.text, "dynamic_point         (not in sources)          auto         1 hit"));
  CHECK(has_line(r.out.text, "index_after_write     index.c:5                 auto, index  2 hits"));
  CHECK(has_line(r.out.text, "index_flush           index.c:10                index        1 hit"));
  CHECK(has_line(r.out.text, "journal_after_append  index.c:6, journal.cpp:5  append       2 hits"));
  CHECK(has_line(r.out.text, "journal_after_rename  journal.cpp:10            append       2 hits"));
  CHECK(last_line(r.out.text) ==
        "6 checkpoints: 5 covered, 1 not covered; 1 undefined name; 5 reached; 1 reached but in no source");
  CHECK(fs::is_empty(tmp.path()));  // every traced run passed: nothing kept
}

TEST_CASE("coverage --run --require-all passes when an auto scenario reaches every checkpoint") {
  e2e_suite s(suite_toml(fixture("checkpoint_actions")),
              {{"src/store.cpp",
                "crashpoint::maybe_panic_at(\"store_a\");\ncrashpoint::maybe_fail_at(\"store_b\");\n"},
               {"all.toml", R"(checkpoints = "auto"
[crash]
command = ["{target}", "panic", "store_a", "fail", "store_b"]
)"}});
  const auto without_run = s.crashpoint({"coverage", "--source", "src", "--require-all", "."});
  INFO(shown(without_run));
  CHECK(exited_with(without_run, 1));  // the auto scenario counts only when traced
  const auto r = s.crashpoint({"coverage", "--source", "src", "--require-all", "--run", "."});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(has_line(r.out.text, "store_a     store.cpp:1  all        1 hit"));
  CHECK(last_line(r.out.text) == "2 checkpoints: 2 covered, 0 not covered; 0 undefined names; 2 reached");
  CHECK(s.leftovers().empty());
}

TEST_CASE("coverage --run exits 1 when a crash command fails unarmed, and keeps its run") {
  e2e_suite s(suite_toml(fixture("checkpoint_actions")),
              {{"src/a.cpp", "crashpoint::maybe_panic_at(\"a\");\n"}, {"broken.toml", R"(checkpoints = ["a"]
[crash]
command = ["/bin/sh", "-c", "exit 3"]
)"}});
  const auto r = s.crashpoint({"coverage", "--source", "src", "--run", "."});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.err.text, Contains("scenario `broken`: unarmed, the crash command"));
  CHECK_THAT(r.err.text, Contains("kept: "));
  CHECK(s.kept_runs().size() == 1);
}

TEST_CASE("coverage exits 2 for bad input, before printing any table") {
  const temp_dir tmp;
  const auto no_source = coverage({"scenarios"}, tmp);
  CHECK(exited_with(no_source, 2));
  CHECK_THAT(no_source.err.text, Contains("--source"));
  const auto missing = coverage({"--source", "nowhere", "scenarios"}, tmp);
  CHECK(exited_with(missing, 2));
  CHECK_THAT(missing.err.text, Contains("--source nowhere: no such folder"));
  const auto bad_regex = coverage({"--source", "src", "--pattern", "inject(", "scenarios"}, tmp);
  CHECK(exited_with(bad_regex, 2));
  CHECK_THAT(bad_regex.err.text, Contains("--pattern `inject(`: not a valid regular expression"));
  const auto no_group = coverage({"--source", "src", "--pattern", "inject", "scenarios"}, tmp);
  CHECK(exited_with(no_group, 2));
  const auto bad_scenarios = coverage({"--source", "src", "src"}, tmp);
  CHECK(exited_with(bad_scenarios, 2));
  for (const auto* r : {&no_source, &missing, &bad_regex, &no_group, &bad_scenarios})
    CHECK(r->out.text.empty());
}
