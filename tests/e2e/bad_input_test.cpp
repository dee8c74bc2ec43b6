// SPDX-License-Identifier: Apache-2.0
// bad_input_test.cpp: hostile and broken scenario files through the real
// `crashpoint validate` and `crashpoint run`.
//
// Every rejected input must give exit 2, one precise diagnostic naming
// file:line:column (or the file or folder, when no line applies), and run
// nothing at all: each suite's target is a script that appends to a marker
// file whenever anything starts it, and the marker must never appear.
//
// Already covered elsewhere, and not repeated here:
//   - invalid TOML via `validate`:          e2e_cli_test.cpp "invalid TOML is exit 2 ..."
//   - a bad value beside a good file, `run`: e2e_cli_test.cpp "a bad scenario is exit 2 ..."
//   - `file = "../state.json"`:             e2e_cli_test.cpp "an assertion path leaving ..."
//   - a missing target program:             e2e_cli_test.cpp "a missing target is exit 2 ..."
//   - every loader message in detail:       tests/harness/scenario_loader_test.cpp
#include <chrono>
#include <fstream>

#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::StartsWith;

namespace {

const std::string nothing_ran_1 = "crashpoint: 1 error in the scenario files; nothing was run";

// A suite whose target is a shell script that records every start in
// `marker()`, and crashes by the protocol at checkpoint `here` (so a valid
// scenario over it passes).
class marker_suite {
 public:
  marker_suite() : suite_("") {
    suite_.add("crashpoint.toml", suite_toml(target_path()));
    // clang-format off
    const std::string script =
        "#!/bin/sh\n"
        "# Records that it ran; crashes at checkpoint `here` when armed.\n"
        "echo \"$*\" >> '" + marker().string() + "'\n"
        "case \",${CRASHPOINT-},\" in\n"
        "  *,here,*)\n"
        "    echo \"CRASHPOINT: crashing at checkpoint \\`here\\` (intentional)\" >&2\n"
        "    kill -s ABRT $$ ;;\n"
        "esac\n";
    // clang-format on
    suite_.add("target.sh", script);
    fs::permissions(target_path(), fs::perms::owner_all);
  }

  const e2e_suite& suite() const { return suite_; }
  void add(const std::string& rel, const std::string& text) const { suite_.add(rel, text); }
  fs::path root() const { return suite_.suite_dir().parent_path(); }
  fs::path marker() const { return root() / "target-ran"; }
  fs::path target_path() const { return suite_.suite_dir() / "target.sh"; }

 private:
  e2e_suite suite_;
};

// A scenario over the marker target that passes: crash at `here`, rerun clean.
std::string passing_scenario(const std::string& more = "") {
  return "checkpoints = [\"here\"]\n[crash]\ncommand = [\"{target}\", \"crash\"]\n" + more;
}

// Runs `validate` and then `run` on `paths` (relative to the suite folder);
// both must exit 2 with the same diagnostics, print nothing on stdout for
// `run`, and start nothing. Returns the diagnostics (stderr).
std::string rejected(const marker_suite& s, const std::vector<std::string>& paths) {
  std::vector<std::string> validate{"validate"}, run{"run", "-j", "2"};
  validate.insert(validate.end(), paths.begin(), paths.end());
  run.insert(run.end(), paths.begin(), paths.end());
  const auto v = s.suite().crashpoint(validate);
  const auto r = s.suite().crashpoint(run);
  INFO("validate: " << shown(v) << "\nrun: " << shown(r));
  CHECK(exited_with(v, 2));
  CHECK(exited_with(r, 2));
  CHECK(v.out.text.empty());
  CHECK(r.out.text.empty());
  CHECK(r.err.text == v.err.text);
  CHECK_FALSE(fs::exists(s.marker()));
  CHECK(s.suite().leftovers().empty());  // not even a temporary root was made
  return v.err.text;
}

// The diagnostics for one bad file `rel` holding `text`, beside a good one.
std::string rejected_file(const std::string& rel, const std::string& text) {
  marker_suite s;
  s.add("good.toml", passing_scenario());
  s.add(rel, text);
  return rejected(s, {"."});
}

std::string one_error(const std::string& line) { return line + "\n" + nothing_ran_1 + "\n"; }

}  // namespace

TEST_CASE("bad input: the marker target runs when the scenario is valid") {
  // The control for every `nothing runs` check below.
  marker_suite s;
  s.add("good.toml", passing_scenario());
  const auto r = s.suite().run();
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(last_line(r.out.text) == "1 passed, 0 failed");
  CHECK(fs::exists(s.marker()));
}

TEST_CASE("bad input: malformed TOML is rejected by run too, at its line and column") {
  CHECK(rejected_file("broken.toml", "checkpoints = [\"here\"]\n[crash\ncommand = [\"{target}\"]\n") ==
        one_error("broken.toml:2:7: error: invalid TOML: Error while parsing table header: "
                  "expected ']', saw '\\n'"));
  CHECK_THAT(rejected_file("dup.toml", passing_scenario("[crash]\nexpect = \"crash\"\n")),
             StartsWith("dup.toml:4:1: error: invalid TOML: "));
  CHECK_THAT(rejected_file("unterminated.toml", "description = \"no end\ncheckpoints = [\"here\"]\n"),
             StartsWith("unterminated.toml:1:"));
}

TEST_CASE("bad input: wrong types name the key, the expected type and the type found") {
  CHECK(rejected_file("types.toml", "checkpoints = \"here\"\n[crash]\ncommand = \"prog\"\nexpect = 1\n") ==
        "types.toml:1:15: error: `checkpoints`: expected a non-empty array of strings, or \"auto\", "
        "got \"here\"\n"
        "types.toml:3:11: error: `command`: expected a non-empty array of strings like "
        "[\"{target}\", \"arg\"], got \"prog\"\n"
        "types.toml:4:10: error: `expect`: expected \"crash\" or \"error\", got integer\n"
        "crashpoint: 3 errors in the scenario files; nothing was run\n");
}

TEST_CASE("bad input: unknown keys get a did-you-mean, in scenario and suite files") {
  CHECK(rejected_file("typo.toml", "checkpoints = [\"here\"]\n[crash]\ncomand = [\"{target}\"]\n") ==
        "typo.toml:2:1: error: missing `command` in [crash]: expected a non-empty array of "
        "strings like [\"{target}\", \"arg\"]\n"
        "typo.toml:3:1: error: unknown key `comand` in [crash] (did you mean `command`?)\n"
        "crashpoint: 2 errors in the scenario files; nothing was run\n");

  marker_suite s;
  s.add("crashpoint.toml", suite_toml(s.target_path(), "crash_mesage = \"boom\"\n"));
  s.add("good.toml", passing_scenario());
  CHECK(rejected(s, {"."}) == one_error("crashpoint.toml:3:1: error: unknown key `crash_mesage` in [target] "
                                        "(did you mean `crash_message`?)"));
}

TEST_CASE("bad input: a missing fixture folder names the path it looked for") {
  marker_suite s;
  s.add("good.toml", passing_scenario());
  s.add("fx.toml", passing_scenario("[setup]\nfixture = \"fixtures/gone\"\n"));
  CHECK(rejected(s, {"."}) == one_error("fx.toml:5:11: error: `fixture`: no folder at " +
                                        (s.suite().suite_dir() / "fixtures/gone").string() +
                                        " (paths are relative to the scenario file)"));
}

TEST_CASE("bad input: a fixture that holds the temporary folder would copy itself: rejected") {
  // The harness makes workdirs under $TMPDIR (here root()/tmp): a fixture above
  // it would be copied into its own copy, and `fixture = "/"` the whole system.
  marker_suite s;
  s.add("good.toml", passing_scenario());
  s.add("up.toml", passing_scenario("[setup]\nfixture = \"..\"\n"));
  s.add("root.toml", passing_scenario("[setup]\nfixture = \"/\"\n"));
  const std::string why =
      ", where run workdirs are made: each copy would copy itself (a fixture "
      "is a folder of test data, copied into every workdir)";
  const std::string tmp = fs::canonical(s.suite().harness_tmp()).string();
  CHECK(rejected(s, {"."}) == "root.toml:5:11: error: `fixture`: / holds " + tmp + why + "\n" +
                                  "up.toml:5:11: error: `fixture`: " + fs::canonical(s.root()).string() +
                                  " holds " + tmp + why + "\n" +
                                  "crashpoint: 2 errors in the scenario files; nothing was run\n");
}

TEST_CASE("bad input: a fixture's symlinks out of it are copied as links, never followed") {
  marker_suite s;
  const fs::path outside = s.root() / "outside";
  fs::create_directories(outside / "dir");
  std::ofstream(outside / "secret.txt") << "keep me\n";
  std::ofstream(outside / "dir" / "inner.txt") << "keep me too\n";
  std::ofstream(outside / "evil.toml") << "this is [not toml\n";
  const fs::path fx = s.suite().suite_dir() / "fx";
  fs::create_directories(fx);
  fs::create_symlink(outside / "secret.txt", fx / "file-link");
  fs::create_symlink(outside / "dir", fx / "dir-link");
  fs::create_symlink("../../outside/secret.txt", fx / "relative-link");
  fs::create_symlink(outside / "evil.toml", fx / "evil.toml");  // data, not a scenario
  s.add("links.toml", passing_scenario(R"([setup]
fixture = "fx"
[[assert]]
command = ["/usr/bin/test", "-L", "file-link"]
[[assert]]
command = ["/usr/bin/test", "-L", "dir-link"]
[[assert]]
file = "file-link"
equals = "keep me\n"
)"));

  const auto kept = s.suite().run({"--keep", "all"});
  INFO(shown(kept));
  REQUIRE(exited_with(kept, 0));
  CHECK(last_line(kept.out.text) == "1 passed, 0 failed");
  const auto runs = s.suite().kept_runs();
  REQUIRE(runs.size() == 1);
  const fs::path work = runs[0] / "work";
  CHECK(fs::is_symlink(work / "file-link"));
  CHECK(fs::read_symlink(work / "file-link") == outside / "secret.txt");
  CHECK(fs::is_symlink(work / "dir-link"));
  CHECK(fs::read_symlink(work / "dir-link") == outside / "dir");
  CHECK(fs::is_symlink(work / "relative-link"));
  CHECK(fs::read_symlink(work / "relative-link") == "../../outside/secret.txt");

  // The harness removes a passing run's workdir: the links go, their targets stay.
  const auto removed = s.suite().run({"--keep", "none"});
  INFO(shown(removed));
  CHECK(exited_with(removed, 0));
  CHECK(read_file(outside / "secret.txt") == "keep me\n");
  CHECK(read_file(outside / "dir" / "inner.txt") == "keep me too\n");
  CHECK(fs::is_symlink(fx / "file-link"));
  CHECK(fs::is_symlink(fx / "dir-link"));
}

TEST_CASE("bad input: absolute and ../ assertion paths are rejected before anything runs") {
  // `file = "../state.json"` alone: e2e_cli_test.cpp.
  CHECK(rejected_file("paths.toml", passing_scenario(R"([[assert]]
file = "/etc/passwd"
exists = true
[[assert]]
glob = "data/../../*"
count = 0
[[assert]]
file = "{workdir}/../x"
exists = false
)")) == "paths.toml:5:8: error: `file`: \"/etc/passwd\" is an absolute path: assertion paths are "
        "relative to the workdir and stay inside it\n"
        "paths.toml:8:8: error: `glob`: \"data/../../*\" leaves the workdir through \"..\": "
        "assertion paths are relative to the workdir and stay inside it\n"
        "paths.toml:11:8: error: `file`: {workdir} expands to an absolute path: assertion paths "
        "are relative to the workdir and stay inside it\n"
        "crashpoint: 3 errors in the scenario files; nothing was run\n");
}

TEST_CASE("bad input: absurd timeouts are rejected with the accepted range") {
  marker_suite s;
  s.add("crashpoint.toml", suite_toml(s.target_path(), "[defaults]\ntimeout = \"-1s\"\n"));
  const std::vector<std::pair<std::string, std::string>> cases{
      {"zero", "\"0ms\""},     {"hundred_days", "\"2400h\""}, {"days_unit", "\"100d\""},
      {"negative", "\"-5s\""}, {"bare_number", "30"},         {"float", "1.5"}};
  for (const auto& [name, value] : cases) {
    s.add(name + ".toml", "timeout = " + value + "\n" + passing_scenario());
  }
  const std::string range = "expected a duration between 1ms and 24h";
  const std::string shape = "expected a duration string like \"30s\" or \"500ms\"";
  CHECK(rejected(s, {"."}) == "bare_number.toml:1:11: error: `timeout`: " + shape +
                                  ", got integer\n"
                                  "crashpoint.toml:4:11: error: `timeout`: " +
                                  shape +
                                  ", got \"-1s\"\n"
                                  "days_unit.toml:1:11: error: `timeout`: " +
                                  shape +
                                  ", got \"100d\"\n"
                                  "float.toml:1:11: error: `timeout`: " +
                                  shape +
                                  ", got float\n"
                                  "hundred_days.toml:1:11: error: `timeout`: " +
                                  range +
                                  ", got \"2400h\"\n"
                                  "negative.toml:1:11: error: `timeout`: " +
                                  shape +
                                  ", got \"-5s\"\n"
                                  "zero.toml:1:11: error: `timeout`: " +
                                  range +
                                  ", got \"0ms\"\n"
                                  "crashpoint: 7 errors in the scenario files; nothing was run\n");
}

TEST_CASE("bad input: 10,000 checkpoints in one scenario load, list and validate quickly") {
  marker_suite s;
  std::string list = "checkpoints = [\n";
  std::string expected;
  for (int i = 0; i < 10'000; ++i) {
    const std::string name = "point_" + std::to_string(i);
    list += "  \"" + name + "\",\n";
    expected += "many@" + name + "\n";
  }
  s.add("many.toml", list + "]\n[crash]\ncommand = [\"{target}\"]\n");

  const auto start = std::chrono::steady_clock::now();
  const auto v = s.suite().crashpoint({"validate", "."});
  const auto took = std::chrono::steady_clock::now() - start;
  INFO(shown(v));
  CHECK(exited_with(v, 0));
  CHECK(v.out.text == "1 suite, 1 scenario, 10000 runs: all valid\n");
  // About 0.1 s in an optimised build; the bound leaves room for sanitizers.
  CHECK(took < std::chrono::seconds(10));

  const auto l = s.suite().crashpoint({"list", "."});
  CHECK(exited_with(l, 0));
  CHECK(lines_of(l.out.text).size() == 10'000);
  CHECK(l.out.text == expected);
  CHECK_FALSE(fs::exists(s.marker()));
}

TEST_CASE("bad input: invalid UTF-8 is an error at the bad byte, not a crash or garbage") {
  const std::string bad_utf8 = ": error: invalid TOML: Encountered invalid utf-8 sequence";
  // The column counts code points, as toml++ does: `é` is one.
  CHECK(rejected_file("utf8.toml",
                      "checkpoints = [\"here\"]\ndescription = \"\xC3\xA9t\xC3\x28\"\n"
                      "[crash]\ncommand = [\"{target}\"]\n") == one_error("utf8.toml:2:18" + bad_utf8));
  CHECK(rejected_file("bytes.toml", std::string("\xFF\xFE\x00\x01", 4)) ==
        one_error("bytes.toml:1:1" + bad_utf8));
  // toml++ alone would name the end of line 3 for a bad byte opening line 4.
  CHECK(rejected_file("line.toml", passing_scenario("\x80 = 1\n")) == one_error("line.toml:4:1" + bad_utf8));
  CHECK(rejected_file("overlong.toml", passing_scenario("# \xC0\xAF\n")) ==
        one_error("overlong.toml:4:3" + bad_utf8));
  CHECK(rejected_file("surrogate.toml", passing_scenario("description = \"\xED\xA0\x80\"\n")) ==
        one_error("surrogate.toml:4:16" + bad_utf8));
  CHECK(rejected_file("truncated.toml", passing_scenario("description = \"\xE2\x82")) ==
        one_error("truncated.toml:4:16" + bad_utf8));
}

TEST_CASE("bad input: a non-ASCII character where TOML expects a key is a clean parse error") {
  // toml++ 3.3 reaches __builtin_unreachable() asking whether `é` there is
  // whitespace (fuzz/README.md); Debian's build of it answers "no".
  CHECK(rejected_file("latin.toml", passing_scenario("\xC3\xA9 = 1\n")) ==
        one_error("latin.toml:4:1: error: invalid TOML: Error while parsing root table: expected "
                  "keys, tables, whitespace or comments, saw '\xC3\xA9'"));
  // After a line-ending backslash in a multi-line string: parsed (`s` is then unknown).
  CHECK_THAT(rejected_file("string.toml", "s = \"\"\"\\\n\xC2\xA7\"\"\"\n" + passing_scenario()),
             StartsWith("string.toml:1:1: error: unknown key `s` at the top level"));
}

TEST_CASE("bad input: 40,000 levels of dotted keys are an error where they pass 256, not a crash") {
  const std::string deep =
      ": error: tables and arrays nested more than 256 levels deep (counting dotted key "
      "and header segments): at most 256 levels are read";
  std::string key = "a", header = "[a";
  for (int i = 1; i < 40'000; ++i) key += ".a";
  for (int i = 1; i < 40'000; ++i) header += ".a";
  // 80 KB, in [crash] (level 1): segment 256 of the key opens level 257.
  CHECK(rejected_file("dotted.toml", passing_scenario(key + " = 1\n")) ==
        one_error("dotted.toml:4:511" + deep));
  CHECK(rejected_file("header.toml", passing_scenario(header + "]\n")) ==
        one_error("header.toml:4:514" + deep));
  std::string tables = "value = ";
  for (int i = 0; i < 300; ++i) tables += "{a = ";
  tables += "1" + std::string(300, '}');
  // In an [[assert]] table (level 2): the 255th `{` opens level 257.
  CHECK(rejected_file("inline.toml", passing_scenario("[[assert]]\nfile = \"x\"\njson = \"\"\n" + tables +
                                                      "\n")) == one_error("inline.toml:7:1279" + deep));
}

TEST_CASE("bad input: a pattern RE2 cannot compile names its place and RE2's reason") {
  CHECK(rejected_file("lookahead.toml", passing_scenario("[[recover]]\ncommand = [\"{target}\"]\n"
                                                         "stdout_matches = 'ok(?=\\n)'\n")) ==
        one_error("lookahead.toml:6:18: error: `stdout_matches`: invalid regular expression \"ok(?=\\\\n)\": "
                  "invalid perl operator: (?= (RE2 has no lookahead)"));
  CHECK(rejected_file("backref.toml", passing_scenario("[[assert]]\nfile = \"x\"\nmatches = '(a)\\1'\n")) ==
        one_error("backref.toml:6:11: error: `matches`: invalid regular expression \"(a)\\\\1\": "
                  "invalid escape sequence: \\1 (RE2 has no backreferences)"));
}

TEST_CASE("bad input: an empty folder, and a folder with only a suite file, have no scenarios") {
  marker_suite s;
  s.add("good.toml", passing_scenario());
  fs::create_directories(s.suite().suite_dir() / "empty");
  s.add("only-suite/crashpoint.toml", suite_toml(s.target_path()));
  const fs::path dir = s.suite().suite_dir();
  CHECK(rejected(s, {"empty"}) ==
        one_error("empty: error: no scenario files under " + (dir / "empty").string()));
  CHECK(rejected(s, {"only-suite"}) ==
        one_error("only-suite: error: no scenario files under " + (dir / "only-suite").string()));
  // Beside a valid folder, the empty one still stops everything.
  CHECK(rejected(s, {".", "empty"}) ==
        one_error("empty: error: no scenario files under " + (dir / "empty").string()));
}

TEST_CASE("bad input: a scenario with no crashpoint.toml above it names the folder it searched") {
  marker_suite s;
  s.add("good.toml", passing_scenario());
  const fs::path orphan_dir = s.root() / "orphan";
  fs::create_directories(orphan_dir);
  std::ofstream(orphan_dir / "lost.toml") << passing_scenario();
  const std::string expected =
      one_error((orphan_dir / "lost.toml").string() + ": error: no crashpoint.toml in " +
                orphan_dir.string() + " or any folder above it: each scenario needs a suite file");
  CHECK(rejected(s, {"../orphan"}) == expected);
  CHECK(rejected(s, {"../orphan/lost.toml", "good.toml"}) == expected);
}

TEST_CASE("bad input: one valid and one invalid suite together run nothing") {
  // Two suites, so the invalid file is not even in the valid file's suite.
  marker_suite s;
  s.add("a/crashpoint.toml", suite_toml(s.target_path()));
  s.add("a/good.toml", passing_scenario());
  s.add("b/crashpoint.toml", suite_toml(s.target_path()));
  s.add("b/bad.toml", passing_scenario("status = \"SIGWHAT\"\n"));
  CHECK_THAT(rejected(s, {"a", "b"}), StartsWith("b/bad.toml:4:10: error: `status`: "));
  CHECK(last_line(rejected(s, {"b/bad.toml", "a/good.toml"})) == nothing_ran_1);
}

TEST_CASE("bad input: [setup] template takes true or false") {
  CHECK(rejected_file("tpl.toml", passing_scenario("[setup]\ntemplate = \"no\"\n")) ==
        one_error("tpl.toml:5:12: error: `template`: expected true or false, got \"no\""));
}
