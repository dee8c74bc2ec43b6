// SPDX-License-Identifier: Apache-2.0
// coverage_test.cpp: `crashpoint coverage` without processes: the source scan,
// the report model over tests/data/coverage, the table and JSON, and
// command_coverage() behind its own CLI11 options (as cli.cpp registers them).
#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "coverage/coverage.hpp"
#include "coverage/coverage_render.hpp"
#include "scenario/scenario_loader.hpp"
#include "util/user_pattern.hpp"
#include "temp_dir.hpp"

namespace {

using namespace crashpoint::harness;
using Catch::Contains;

const fs::path data_dir = fs::path(CRASHPOINT_TEST_SOURCE_DIR) / "tests/data/coverage";

using crashpoint::test::temp_dir;

std::vector<checkpoint_pattern> default_patterns(const std::vector<std::string>& extra = {}) {
  std::string error;
  auto patterns = compile_patterns(extra, error);
  REQUIRE(patterns);
  return *patterns;
}

// "name:line" for each match, for compact expectations.
std::vector<std::string> found(const std::string& text, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> out;
  for (const name_match& m : scan_text(text, default_patterns(extra))) {
    out.push_back(m.name + ":" + std::to_string(m.line));
  }
  return out;
}

// "file:line, ..." of each defined name.
std::map<std::string, std::string> places(const scan_result& scan) {
  std::map<std::string, std::string> out;
  for (const auto& [name, defs] : scan.definitions) {
    for (const definition& d : defs) {
      out[name] += (out[name].empty() ? "" : ", ") + d.file + ":" + std::to_string(d.line);
    }
  }
  return out;
}

scan_result scan_data(const std::vector<std::string>& extra = {}) {
  return scan_sources({data_dir / "src"}, default_patterns(extra));
}

load_result load_data(const std::vector<std::string>& files = {}) {
  std::vector<fs::path> paths;
  for (const std::string& f : files) paths.push_back(data_dir / "scenarios" / f);
  if (paths.empty()) paths.push_back(data_dir / "scenarios");
  load_result loaded = load_scenarios(paths);
  REQUIRE(loaded.errors.empty());
  return loaded;
}

const checkpoint_coverage& row(const coverage_report& r, const std::string& name) {
  for (const checkpoint_coverage& c : r.checkpoints) {
    if (c.name == name) return c;
  }
  FAIL("no row for " << name);
  throw std::logic_error("unreachable");
}

const scenario& scenario_named(const load_result& loaded, const std::string& name) {
  for (const scenario& s : loaded.suites.front().scenarios) {
    if (s.name == name) return s;
  }
  throw std::logic_error("no scenario " + name);
}

// Parses `args` as `crashpoint coverage` would, runs it, and keeps its stdout.
struct coverage_call {
  int code = -1;
  std::string out;
};

coverage_call call_coverage(std::vector<std::string> args) {
  CLI::App app;
  std::vector<std::string> paths;
  coverage_options o;
  add_coverage_options(app, paths, o);
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
  try {
    app.parse(args);
  } catch (const CLI::ParseError&) {
    return {2, ""};
  }
  std::FILE* out = std::tmpfile();
  coverage_call call{command_coverage(paths, o, out), ""};
  std::rewind(out);
  for (int c; (c = std::fgetc(out)) != EOF;) call.out += static_cast<char>(c);
  std::fclose(out);
  return call;
}

std::string src_arg() { return (data_dir / "src").string(); }
std::string scenarios_arg(const std::string& rel = "") { return (data_dir / "scenarios" / rel).string(); }

}  // namespace

// ---- the scan ----

TEST_CASE("coverage: the default pattern finds the C++, C and Rust calls with their lines") {
  const std::string text =
      "crashpoint::maybe_panic_at(\"a\");\n"      // C++ with namespace
      "if (auto ec = maybe_fail_at(\"b\")) {}\n"  // C++ without
      "crashpoint_maybe_panic_at(\"c\");\n"       // C
      "crashpoint_maybe_fail_at_n(\"d\", 1);\n"   // C, length variant
      "fault_inject::maybe_panic_at(\"e\");\n";   // Rust
  CHECK(found(text) == std::vector<std::string>{"a:1", "b:2", "c:3", "d:4", "e:5"});
}

TEST_CASE("coverage: whitespace and newlines may separate the call from its literal") {
  // The line is the name's line, where an editor should jump.
  CHECK(found("x();\ncrashpoint::maybe_panic_at (\n    \"split\");\n") ==
        std::vector<std::string>{"split:3"});
}

TEST_CASE("coverage: other identifiers, other arguments and empty names are not checkpoints") {
  CHECK(found("my_maybe_panic_at(\"no1\"); xmaybe_fail_at(\"no2\"); maybe_panic_at(name);"
              " maybe_panic_at(\"\"); maybe_panic_at_x(\"no3\");")
            .empty());
}

TEST_CASE("coverage: a --pattern's capture group 1 is a name, found beside the defaults") {
  CHECK(found("inject.Point(\"p\")\nmaybe_panic_at(\"q\")", {R"re(inject\.Point\("([^"]+)"\))re"}) ==
        std::vector<std::string>{"p:1", "q:2"});
}

TEST_CASE("coverage: a name two patterns find at one place is listed once") {
  CHECK(found("maybe_panic_at(\"q\")", {R"re(maybe_panic_at\("(\w+)")re"}) ==
        std::vector<std::string>{"q:1"});
}

TEST_CASE("coverage: the built-in matcher finds exactly what the documented regex finds") {
  std::string error;
  const auto documented = user_pattern::compile(default_checkpoint_pattern, error);
  REQUIRE(documented);
  for (const std::string text :
       {"crashpoint::maybe_panic_at(\"a\")", "crashpoint_maybe_fail_at_n( \"b\", 1)",
        "maybe_panic_at\n(\n\"c\")", "xcrashpoint_maybe_panic_at(\"d\")", "my_maybe_panic_at(\"e\")",
        "maybe_panic_at(\"f\\\"g\")", "maybe_fail_at(\"h\ni\")", "maybe_panic_at(\"\")",
        "maybe_panic_at_n_(\"j\")", "maybe_panic_at(k)", "maybe_fail_at(\"unterminated",
        "maybe_maybe_panic_at(\"l\")", "(maybe_fail_at(\"m\"))"}) {
    std::vector<std::string> names;  // what the documented regex finds
    documented->for_each_match(text, [&](std::size_t, std::string_view name) {
      if (!name.empty()) names.emplace_back(name);
    });
    const auto matched = scan_text(text, {});
    INFO(text);
    REQUIRE(matched.size() == names.size());
    if (!names.empty()) CHECK(matched.front().name == names.front());
  }
}

TEST_CASE("coverage: a long literal and a large file are scanned without trouble") {
  const std::string long_name(200'000, 'a');
  const auto long_match = scan_text("maybe_panic_at(\"" + long_name + "\")", {});
  REQUIRE(long_match.size() == 1);
  CHECK(long_match.front().name.size() == long_name.size());
  std::string big;
  for (int i = 0; i < 100'000; ++i) big += "int x = f(); // maybe_ not a call\n";
  big += "crashpoint::maybe_panic_at(\"last\");\n";
  CHECK(found(big) == std::vector<std::string>{"last:100001"});
}

TEST_CASE("coverage: an invalid --pattern, or one without a capture group, is refused") {
  std::string error;
  CHECK_FALSE(compile_patterns({"inject\\.Point\\(("}, error));
  CHECK_THAT(error, Contains("not a valid regular expression"));
  CHECK_FALSE(compile_patterns({"inject\\.Point"}, error));
  CHECK_THAT(error, Contains("capture group"));
}

TEST_CASE("coverage: source files by extension; hidden and build folders are skipped") {
  for (const char* f : {"a.c", "a.cc", "a.cpp", "a.cxx", "a.h", "a.hh", "a.hpp", "a.hxx", "a.rs", "a.go",
                        "a.py", "a.java", "a.kt", "a.swift", "a.zig"}) {
    CHECK(is_source_file(f));
  }
  CHECK_FALSE(is_source_file("notes.txt"));
  CHECK_FALSE(is_source_file("Makefile"));
  for (const char* d : {"src/build", "target", "node_modules", ".git", ".cache"}) CHECK(is_skipped_folder(d));
  CHECK_FALSE(is_skipped_folder("src/builder"));
}

TEST_CASE("coverage: scanning the fixture tree finds every definition, relative to the folder") {
  const scan_result scan = scan_data();
  CHECK(scan.errors.empty());
  CHECK(scan.warnings.empty());
  CHECK(scan.files == 4);  // compact.rs, hooks.go, index.c, journal.cpp
  CHECK(places(scan) == std::map<std::string, std::string>{
                            {"compact_before_swap", "compact.rs:3"},
                            {"index_after_write", "index.c:5"},
                            {"index_flush", "index.c:10"},
                            {"journal_after_append", "index.c:6, journal.cpp:5"},
                            {"journal_after_rename", "journal.cpp:10"},
                            {"journal_fsync", "journal.cpp:14"},
                        });
}

TEST_CASE("coverage: with several folders each file is named with its folder") {
  temp_dir t;
  t.write("a/x.cpp", "maybe_panic_at(\"one\");");
  t.write("b/x.cpp", "maybe_panic_at(\"one\");");
  const scan_result scan = scan_sources({t / "a", t / "b"}, default_patterns());
  const std::string a = (t / "a" / "x.cpp").generic_string(), b = (t / "b" / "x.cpp").generic_string();
  CHECK(places(scan) == std::map<std::string, std::string>{{"one", a + ":1, " + b + ":1"}});
}

TEST_CASE("coverage: a missing --source folder, or a file, is an error") {
  temp_dir t;
  t.write("file.cpp", "");
  const scan_result scan = scan_sources({t / "missing", t / "file.cpp"}, default_patterns());
  REQUIRE(scan.errors.size() == 2);
  CHECK_THAT(scan.errors[0], Contains("missing: no such folder"));
  CHECK_THAT(scan.errors[1], Contains("file.cpp: not a folder"));
}

// ---- the model ----

TEST_CASE("coverage: the names of an entry, in the grammar or split on commas") {
  CHECK(entry_checkpoint_names("a@2=kill, b") == std::vector<std::string>{"a", "b"});
  CHECK(entry_checkpoint_names("c=exit(3)") == std::vector<std::string>{"c"});
  CHECK(entry_checkpoint_names("d@x") == std::vector<std::string>{"d"});  // outside the grammar
}

TEST_CASE("coverage: each checkpoint lists the scenarios whose entries name it") {
  const coverage_report r = build_coverage(scan_data(), load_data().suites, std::nullopt);
  CHECK(row(r, "journal_after_append").scenarios == std::vector<std::string>{"append"});
  CHECK(row(r, "journal_after_rename").scenarios == std::vector<std::string>{"append"});
  CHECK(row(r, "index_after_write").scenarios == std::vector<std::string>{"index"});
  CHECK(row(r, "index_flush").scenarios == std::vector<std::string>{"index"});  // second name of one entry
  CHECK(row(r, "compact_before_swap").scenarios.empty());
  CHECK(r.untraced_auto == std::vector<std::string>{"auto"});
  CHECK_FALSE(r.ran);
}

TEST_CASE("coverage: a name no source defines is undefined, with its place and a suggestion") {
  const coverage_report r = build_coverage(scan_data(), load_data().suites, std::nullopt);
  REQUIRE(r.undefined.size() == 1);
  const undefined_checkpoint& u = r.undefined.front();
  CHECK(u.name == "journal_aftr_rename");
  CHECK(u.scenario == "typo");
  CHECK(u.where.file == data_dir / "scenarios/typo.toml");
  CHECK(u.where.line == 2);
  CHECK(u.where.column == 16);
  CHECK(u.suggestion == "journal_after_rename");
  const coverage_summary s = summarize(r);
  CHECK(s.defined == 6);
  CHECK(s.covered == 5);
  CHECK(s.uncovered == 1);
  CHECK(s.undefined == 1);
}

TEST_CASE("coverage: undefined names fail; --require-all fails on an uncovered checkpoint too") {
  const coverage_report all = build_coverage(scan_data(), load_data().suites, std::nullopt);
  CHECK(coverage_exit_code(all, false) == 1);
  const coverage_report no_typo =
      build_coverage(scan_data(), load_data({"append.toml", "index.toml"}).suites, std::nullopt);
  CHECK(coverage_exit_code(no_typo, false) == 0);
  CHECK(coverage_exit_code(no_typo, true) == 1);  // compact_before_swap
}

TEST_CASE("coverage: traced runs count hits, and an auto scenario covers what it reached") {
  const load_result loaded = load_data();
  const std::vector<traced_scenario> traces{
      {&scenario_named(loaded, "append"), {{"journal_after_append", 1}, {"journal_after_append", 2}}},
      {&scenario_named(loaded, "auto"), {{"index_after_write", 1}, {"dynamic_point", 1}}},
      {&scenario_named(loaded, "index"), {{"index_after_write", 1}}},
  };
  const coverage_report r = build_coverage(scan_data(), loaded.suites, traces);
  CHECK(r.ran);
  CHECK(r.untraced_auto.empty());
  CHECK(row(r, "journal_after_append").hits() == 2);
  CHECK(row(r, "index_after_write").hits() == 2);
  CHECK(row(r, "index_after_write").reached_by ==
        std::map<std::string, std::uint64_t>{{"auto", 1}, {"index", 1}});
  CHECK(row(r, "index_after_write").scenarios == std::vector<std::string>{"auto", "index"});
  CHECK(row(r, "compact_before_swap").hits() == 0);
  const checkpoint_coverage& dynamic = row(r, "dynamic_point");  // reached, in no source
  CHECK(dynamic.defined_at.empty());
  CHECK(dynamic.scenarios == std::vector<std::string>{"auto"});
  const coverage_summary s = summarize(r);
  CHECK(s.reached == 2);
  CHECK(s.not_in_sources == 1);
  CHECK(s.defined == 6);
}

// ---- rendering ----

TEST_CASE("coverage: the table aligns its columns and lists every definition of a name") {
  const coverage_report r = build_coverage(scan_data(), load_data().suites, std::nullopt);
  const std::string table = coverage_table(r, false);
  std::istringstream in(table);
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  CHECK(header == "checkpoint            defined at                scenarios");
  CHECK(first == "compact_before_swap   compact.rs:3              (none)");
  CHECK_THAT(table, Contains("\njournal_after_append  index.c:6, journal.cpp:5  append\n"));
  CHECK_THAT(table, Contains("undefined checkpoints (named by a scenario, defined in no source):\n"));
  CHECK_THAT(table, Contains("typo.toml:2:16: error: scenario `typo` names checkpoint `journal_aftr_rename`, "
                             "which no source defines (did you mean `journal_after_rename`?)"));
  CHECK_THAT(table, Contains("note: 1 scenario with checkpoints = \"auto\" (auto)"));
  CHECK_THAT(table, Contains("\n6 checkpoints: 5 covered, 1 not covered; 1 undefined name\n"));
  CHECK(table.find('\033') == std::string::npos);
  CHECK(table.find("reached") == std::string::npos);  // no column without --run
}

TEST_CASE("coverage: with traces the table has a reached column, and colour only when asked") {
  const load_result loaded = load_data();
  const std::vector<traced_scenario> traces{{&scenario_named(loaded, "auto"), {{"index_after_write", 1}}}};
  const coverage_report r = build_coverage(scan_data(), loaded.suites, traces);
  const std::string table = coverage_table(r, false);
  CHECK_THAT(table, Contains("scenarios    reached\n"));
  CHECK_THAT(table, Contains("auto, index  1 hit\n"));
  CHECK_THAT(table, Contains("(none)       no\n"));
  CHECK_THAT(coverage_table(r, true), Contains("\033[33m"));
}

TEST_CASE("coverage: the JSON document has every checkpoint, the undefined names and a summary") {
  coverage_report r = build_coverage(scan_data(), load_data().suites, std::nullopt);
  r.sources = {"src"};
  const nlohmann::json j = nlohmann::json::parse(coverage_json_text(r));
  CHECK(j["format_version"] == 1);
  CHECK(j["sources"] == nlohmann::json::array({"src"}));
  CHECK(j["ran"] == false);
  REQUIRE(j["checkpoints"].size() == 6);
  const nlohmann::json& append = j["checkpoints"][3];
  CHECK(append["name"] == "journal_after_append");
  CHECK(append["defined_at"] == nlohmann::json::parse(R"([{"file": "index.c", "line": 6},
                                                         {"file": "journal.cpp", "line": 5}])"));
  CHECK(append["scenarios"] == nlohmann::json::array({"append"}));
  CHECK(append["hits"].is_null());
  CHECK(j["undefined"][0]["name"] == "journal_aftr_rename");
  CHECK(j["undefined"][0]["line"] == 2);
  CHECK(j["undefined"][0]["did_you_mean"] == "journal_after_rename");
  CHECK(j["untraced_auto_scenarios"] == nlohmann::json::array({"auto"}));
  CHECK(j["summary"] == nlohmann::json::parse(R"({"checkpoints": 6, "covered": 5, "uncovered": 1,
      "undefined": 1, "reached": null, "not_in_sources": 0})"));
}

// ---- command_coverage behind its options ----

TEST_CASE("coverage command: an undefined name exits 1, after printing the table") {
  const coverage_call c = call_coverage({"--source", src_arg(), scenarios_arg()});
  CHECK(c.code == 1);
  CHECK_THAT(c.out, Contains("journal_aftr_rename"));
  CHECK_THAT(c.out, Contains("6 checkpoints: 5 covered, 1 not covered; 1 undefined name"));
}

TEST_CASE("coverage command: exit 0 with an uncovered checkpoint, 1 with --require-all") {
  const std::vector<std::string> files{scenarios_arg("append.toml"), scenarios_arg("index.toml")};
  std::vector<std::string> args{"--source", src_arg()};
  args.insert(args.end(), files.begin(), files.end());
  CHECK(call_coverage(args).code == 0);
  args.push_back("--require-all");
  CHECK(call_coverage(args).code == 1);
}

TEST_CASE("coverage command: --require-all passes when every checkpoint has a scenario") {
  temp_dir t;
  t.write("src/a.cpp", "crashpoint::maybe_panic_at(\"only_one\");\n");
  t.write("scenarios/crashpoint.toml", "[target]\ncommand = \"true\"\n");
  t.write("scenarios/s.toml", "checkpoints = [\"only_one\"]\n[crash]\ncommand = [\"{target}\"]\n");
  const coverage_call c =
      call_coverage({"--require-all", "--source", (t / "src").string(), (t / "scenarios").string()});
  CHECK(c.code == 0);
  CHECK_THAT(c.out, Contains("1 checkpoint: 1 covered, 0 not covered; 0 undefined names"));
}

TEST_CASE("coverage command: --json writes the report, parsed back") {
  temp_dir t;
  const std::string file = (t / "coverage.json").string();
  CHECK(call_coverage({"--source", src_arg(), "--json", file, scenarios_arg()}).code == 1);
  std::ifstream in(file);
  const nlohmann::json j = nlohmann::json::parse(in);
  CHECK(j["sources"] == nlohmann::json::array({src_arg()}));
  CHECK(j["summary"]["undefined"] == 1);
}

TEST_CASE("coverage command: --pattern adds the names a project's own wrapper defines") {
  const std::string pattern = R"re(inject\.Point\("([^"]+)"\))re";
  CHECK_THAT(call_coverage({"--source", src_arg(), "--pattern", pattern, scenarios_arg()}).out,
             Contains("\ngo_after_sync "));
  CHECK_THAT(call_coverage({"--source", src_arg(), scenarios_arg()}).out, !Contains("go_after_sync"));
}

TEST_CASE("coverage command: bad input exits 2") {
  CHECK(call_coverage({scenarios_arg()}).code == 2);  // no --source
  CHECK(call_coverage({"--source", (data_dir / "missing").string(), scenarios_arg()}).code == 2);
  CHECK(call_coverage({"--source", src_arg(), "--pattern", "(", scenarios_arg()}).code == 2);
  CHECK(call_coverage({"--source", src_arg(), (data_dir / "src").string()}).code == 2);  // no scenarios
  CHECK(call_coverage(
            {"--source", src_arg(), "--json", (data_dir / "missing/x.json").string(), scenarios_arg()})
            .code == 2);
}

TEST_CASE("coverage command: --source takes one folder per use, the rest are scenario paths") {
  CLI::App app;
  std::vector<std::string> paths;
  coverage_options o;
  add_coverage_options(app, paths, o);
  app.parse("--source src --source lib scenarios more --run -j 3", false);
  CHECK(o.source_dirs == std::vector<std::string>{"src", "lib"});
  CHECK(paths == std::vector<std::string>{"scenarios", "more"});
  CHECK(o.run);
  CHECK_FALSE(o.require_all);
  CHECK(o.jobs == 3);
}
