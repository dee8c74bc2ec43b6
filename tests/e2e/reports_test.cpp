// SPDX-License-Identifier: Apache-2.0
// reports_test.cpp: `run --junit FILE` and `run --json FILE`, read back the way
// CI servers and scripts read them (libxml2, validated against Jenkins's
// junit-10.xsd): counts, names, verdicts, failure messages, steps, escaping,
// the interrupted case, and report paths checked up front.
#include <nlohmann/json.hpp>

#include "suite_builder.hpp"
#include "xml_doc.hpp"

using namespace crashpoint::test;
using Catch::Contains;
using Catch::Matches;
using json = nlohmann::json;

namespace {

// Passes at store_after_tmp, fails at store_after_rename, and
// not_in_the_code is never reached.
const std::string mixed_scenario =
    old_value_scenario(R"("store_after_tmp", "store_after_rename", "not_in_the_code")");

e2e_suite mixed_suite() {
  return e2e_suite(store_suite(),
                   {{"mixed.toml", mixed_scenario}, {"other.toml", store_scenario("store_after_meta")}});
}

// A run whose recovery fails writing markup, control characters, a byte that
// is not UTF-8 and an accented letter on stderr; the scenario's own name and
// entry hold markup too.
e2e_suite hostile_text_suite() {
  return e2e_suite(store_suite(), {{"a&b <c>.toml", R"(checkpoints = ["store_after_tmp", "missing\"<&>'"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
[[recover]]
command = ["sh", "-c", '''printf 'esc\033[31m bell\007 bad\377 caf\303\251 lt< amp& q" cr\r\n' >&2; exit 3''']
)"}});
}

json read_json(const fs::path& file) { return json::parse(read_file(file)); }

// A report file beside the suite folder: reports may not go inside a
// scenario folder the session reads.
fs::path outside(const e2e_suite& s, const std::string& name) { return s.suite_dir().parent_path() / name; }

// The JUnit report in `file`, parsed; the test fails unless it is valid.
xml_doc valid_junit(const fs::path& file) {
  const std::string text = read_file(file);
  INFO(text);
  xml_doc doc(text);
  CHECK(doc.schema_errors(junit_schema()) == "");
  return doc;
}

const json& run_with_id(const json& doc, const std::string& id) {
  for (const json& r : doc["runs"]) {
    if (r["id"] == id) return r;
  }
  FAIL("no run " << id << " in the JSON report");
  throw;  // unreachable
}

std::optional<xml_node> testcase_named(const xml_node& root, const std::string& classname,
                                       const std::string& name) {
  for (const xml_node& tc : root.descendants("testcase")) {
    if (tc.attr("classname") == classname && tc.attr("name") == name) return tc;
  }
  return std::nullopt;
}

std::vector<std::string> phases(const json& run) {
  std::vector<std::string> out;
  for (const json& step : run["steps"]) out.push_back(step["phase"]);
  return out;
}

}  // namespace

TEST_CASE("reports: --json lists every run with its verdict, kind, reason, steps and a summary") {
  const e2e_suite s = mixed_suite();
  const fs::path file = outside(s, "report.json");
  const auto r = s.run({"-j", "2", "--json", file.string()});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  const json doc = read_json(file);
  CHECK(doc["format_version"] == 1);
  CHECK(doc["interrupted"] == false);
  CHECK(doc["shard"].is_null());
  CHECK_THAT(doc["started_at"].get<std::string>(), Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"));
  CHECK(doc["duration_ms"].get<double>() > 0);
  CHECK(doc["summary"] ==
        json{{"planned", 4}, {"completed", 4}, {"passed", 2}, {"failed", 2}, {"not_run", 0}});
  // Plan order, whatever order -j 2 finished them in.
  std::vector<std::string> ids;
  for (const json& run : doc["runs"]) ids.push_back(run["id"]);
  CHECK(ids == std::vector<std::string>{"mixed@store_after_tmp", "mixed@store_after_rename",
                                        "mixed@not_in_the_code", "other@store_after_meta"});

  const json& pass = run_with_id(doc, "mixed@store_after_tmp");
  CHECK(pass["verdict"] == "passed");
  CHECK(pass["kind"] == "passed");
  CHECK(pass["reason"] == "");
  CHECK(pass["details"].empty());
  CHECK(pass["run_dir"].is_null());  // removed: --keep failed
  CHECK(pass["scenario"] == "mixed");
  CHECK(pass["checkpoint"] == "store_after_tmp");
  CHECK(phases(pass) == std::vector<std::string>{"setup", "setup", "crash", "recover"});
  const json& crash = pass["steps"][2];  // the shape of CRASHPOINT_STATE's steps
  CHECK(crash["env"]["CRASHPOINT"] == "store_after_tmp");
  CHECK(crash["status"] == json{{"kind", "signaled"}, {"signal", 6}, {"signal_name", "SIGABRT"}});
  CHECK(crash["argv"].back() == "7");
  CHECK(crash["duration_ms"].get<double>() >= 0);

  const json& fail = run_with_id(doc, "mixed@store_after_rename");
  CHECK(fail["verdict"] == "failed");
  CHECK(fail["kind"] == "assertion_failed");
  CHECK(fail["reason"] == "1 of 1 assertions failed after recovery");
  REQUIRE(fail["details"].size() == 1);
  CHECK_THAT(fail["details"][0].get<std::string>(),
             Contains("file data/value is \"7\\n\", expected \"5\\n\""));
  CHECK_THAT(fail["reproduce"].get<std::string>(), Contains("CRASHPOINT=store_after_rename "));
  REQUIRE(fail["run_dir"].is_string());
  CHECK(fs::is_directory(fail["run_dir"].get<std::string>()));  // kept, as the console says
  CHECK_THAT(r.out.text, Contains("kept: " + fail["run_dir"].get<std::string>()));
  CHECK(fail["duration_ms"].get<double>() > 0);

  CHECK(run_with_id(doc, "mixed@not_in_the_code")["kind"] == "checkpoint_not_reached");
}

TEST_CASE("reports: --junit has a testsuite per scenario and a testcase per run, with failures") {
  const e2e_suite s = mixed_suite();
  const fs::path file = outside(s, "junit.xml");
  const auto r = s.run({"--junit", file.string()});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(read_file(file).rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0) == 0);
  const xml_doc doc = valid_junit(file);
  const xml_node root = doc.root();
  CHECK(root.name() == "testsuites");
  CHECK(root.attr("tests") == "4");
  CHECK(root.attr("failures") == "2");
  CHECK(root.attr("errors") == "0");
  const auto suites = root.descendants("testsuite");
  REQUIRE(suites.size() == 2);
  CHECK(suites[0].attr("name") == "mixed");
  CHECK(suites[0].attr("tests") == "3");
  CHECK(suites[0].attr("failures") == "2");
  CHECK(suites[0].attr("skipped") == "0");
  CHECK(suites[0].attr("file") == "mixed.toml");  // relative to the current folder
  CHECK(suites[1].attr("name") == "other");
  CHECK(suites[1].attr("tests") == "1");
  CHECK(suites[1].attr("failures") == "0");
  for (const xml_node& suite : suites) {
    const auto props = suite.descendants("property");
    REQUIRE(props.size() == 1);
    CHECK(props[0].attr("name") == "interrupted");
    CHECK(props[0].attr("value") == "false");
  }
  CHECK(root.descendants("testcase").size() == 4);
  for (const xml_node& tc : root.descendants("testcase")) {
    CHECK_THAT(tc.attr("time"), Matches(R"(\d+\.\d{3})"));  // seconds
  }

  const auto pass = testcase_named(root, "mixed", "store_after_tmp");
  REQUIRE(pass);
  CHECK(pass->children().empty());
  const auto fail = testcase_named(root, "mixed", "store_after_rename");
  REQUIRE(fail);
  REQUIRE(fail->children().size() == 1);
  const xml_node failure = fail->children()[0];
  CHECK(failure.name() == "failure");
  CHECK(failure.attr("type") == "assertion_failed");
  CHECK(failure.attr("message") == "assertion failed: 1 of 1 assertions failed after recovery");
  CHECK_THAT(failure.text(), Contains("file data/value is \"7\\n\", expected \"5\\n\""));
  CHECK_THAT(failure.text(), Contains("\nkept: "));
  CHECK_THAT(failure.text(), Contains("\nreproduce:\n  cd \"$(mktemp -d)\"\n"));
  CHECK_THAT(failure.text(), Contains("CRASHPOINT=store_after_rename "));
  const auto not_reached = testcase_named(root, "mixed", "not_in_the_code");
  REQUIRE(not_reached);
  REQUIRE(not_reached->children().size() == 1);
  CHECK(not_reached->children()[0].attr("type") == "checkpoint_not_reached");
  CHECK_THAT(not_reached->children()[0].attr("message"), Matches("checkpoint not reached: crash command .*"));
}

TEST_CASE("reports: --junit validates against junit-10.xsd when every run passes") {
  e2e_suite s(store_suite());
  s.add("ok.toml", store_scenario("store_after_rename"));
  const fs::path file = outside(s, "junit.xml");
  const auto r = s.run({"--junit", file.string()});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  const xml_doc doc = valid_junit(file);
  CHECK(doc.root().attr("tests") == "1");
  CHECK(doc.root().attr("failures") == "0");
}

TEST_CASE("reports: a harness error is a JUnit <error>, counted in errors, and validates") {
  // A crash command that cannot start: the harness could not do its job.
  e2e_suite s(store_suite());
  s.add("broken.toml", R"(checkpoints = ["store_after_tmp"]
[crash]
command = ["/nonexistent/program"]
)");
  const fs::path file = outside(s, "junit.xml");
  const auto r = s.run({"--junit", file.string()});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  const xml_doc doc = valid_junit(file);
  CHECK(doc.root().attr("errors") == "1");
  CHECK(doc.root().attr("failures") == "0");
  const auto tc = testcase_named(doc.root(), "broken", "store_after_tmp");
  REQUIRE(tc);
  REQUIRE(tc->children().size() == 1);
  CHECK(tc->children()[0].name() == "error");
  CHECK(tc->children()[0].attr("type") == "harness_error");
}

TEST_CASE("reports: markup, control characters and bad UTF-8 are escaped or replaced") {
  const e2e_suite s = hostile_text_suite();
  const fs::path xml_file = outside(s, "junit.xml");
  const fs::path json_file = outside(s, "report.json");
  const auto r = s.run({"--junit", xml_file.string(), "--json", json_file.string()});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  const xml_doc doc = valid_junit(xml_file);  // UTF-8, and no character XML 1.0 forbids
  const xml_node root = doc.root();
  CHECK(root.attr("failures") == "2");
  const auto suites = root.descendants("testsuite");
  REQUIRE(suites.size() == 1);
  CHECK(suites[0].attr("name") == "a&b <c>");

  const auto recovery = testcase_named(root, "a&b <c>", "store_after_tmp");
  REQUIRE(recovery);
  REQUIRE(recovery->children().size() == 1);
  const std::string details = recovery->children()[0].text();
  CHECK_THAT(details, Contains("esc\\x1B[31m bell\\x07 bad\xEF\xBF\xBD caf\xC3\xA9 lt< amp& q\" cr\r\n"));
  CHECK(recovery->children()[0].attr("type") == "recovery_failed");

  const auto odd = testcase_named(root, "a&b <c>", "missing\"<&>'");
  REQUIRE(odd);
  REQUIRE(odd->children().size() == 1);
  CHECK_THAT(odd->children()[0].attr("message"), Contains("`missing\"<&>'`"));

  const json json_doc = read_json(json_file);  // parses although stderr was not UTF-8
  const std::string tail = run_with_id(json_doc, "a&b <c>@store_after_tmp")["details"].back();
  CHECK_THAT(tail, Contains("esc\033[31m bell\007 bad\xEF\xBF\xBD caf\xC3\xA9"));
}

TEST_CASE("reports: an interrupted run writes the completed runs and says it was interrupted") {
  // a_first passes; b_stops's setup sends SIGTERM to the harness (the parent
  // of its parent, its shepherd) and hangs until the harness kills it, so the
  // stop is certain to come first.
  e2e_suite s(store_suite());
  s.add("a_first.toml", store_scenario("store_after_tmp"));
  s.add("b_stops.toml", R"(checkpoints = ["store_after_tmp", "store_after_meta"]
timeout = "60s"
[setup]
steps = [["sh", "-c", "kill -TERM \"$(cut -d ' ' -f 4 /proc/$PPID/stat)\"; exec \"$0\"", ")" +
                            fixture("proc_hang").string() + R"("]]
[crash]
command = ["{target}", "set", "7"]
)");
  const fs::path xml_file = outside(s, "junit.xml");
  const fs::path json_file = outside(s, "report.json");
  const auto r = s.run({"-j", "1", "--junit", xml_file.string(), "--json", json_file.string()});
  INFO(shown(r));
  CHECK(exited_with(r, 130));

  const json doc = read_json(json_file);
  CHECK(doc["interrupted"] == true);
  CHECK(doc["summary"] ==
        json{{"planned", 3}, {"completed", 1}, {"passed", 1}, {"failed", 0}, {"not_run", 2}});
  REQUIRE(doc["runs"].size() == 1);
  CHECK(doc["runs"][0]["id"] == "a_first@store_after_tmp");

  // The runs that never ran are JUnit skipped testcases.
  const xml_doc xml = valid_junit(xml_file);
  const xml_node root = xml.root();
  CHECK(root.attr("tests") == "3");
  CHECK(root.attr("failures") == "0");
  const auto suites = root.descendants("testsuite");
  REQUIRE(suites.size() == 2);
  CHECK(suites[0].attr("skipped") == "0");
  CHECK(suites[1].attr("name") == "b_stops");
  CHECK(suites[1].attr("tests") == "2");
  CHECK(suites[1].attr("skipped") == "2");
  for (const std::string entry : {"store_after_tmp", "store_after_meta"}) {
    const auto tc = testcase_named(root, "b_stops", entry);
    REQUIRE(tc);
    REQUIRE(tc->children().size() == 1);
    CHECK(tc->children()[0].name() == "skipped");
    CHECK(tc->children()[0].attr("message") == "not run: the session stopped before this run started");
  }
  for (const xml_node& prop : root.descendants("property")) {
    CHECK(prop.attr("name") == "interrupted");
    CHECK(prop.attr("value") == "true");
  }
}

TEST_CASE("reports: interrupted before any run completed, JUnit still holds one testsuite") {
  e2e_suite s(store_suite());
  s.add("stops.toml", R"(checkpoints = ["store_after_tmp"]
timeout = "60s"
[setup]
steps = [["sh", "-c", "kill -INT \"$(cut -d ' ' -f 4 /proc/$PPID/stat)\"; exec \"$0\"", ")" +
                          fixture("proc_hang").string() + R"("]]
[crash]
command = ["{target}", "set", "7"]
)");
  const fs::path xml_file = outside(s, "junit.xml");
  const auto r = s.run({"--junit", xml_file.string()});
  INFO(shown(r));
  CHECK(exited_with(r, 130));
  const xml_doc doc = valid_junit(xml_file);
  const xml_node root = doc.root();
  CHECK(root.attr("tests") == "1");
  const auto suites = root.descendants("testsuite");
  REQUIRE(suites.size() == 1);
  CHECK(suites[0].attr("name") == "stops");
  CHECK(suites[0].attr("skipped") == "1");
  REQUIRE(suites[0].descendants("property").size() == 1);
  CHECK(suites[0].descendants("property")[0].attr("value") == "true");
}

TEST_CASE("reports: an empty shard's JUnit holds one empty testsuite, and validates") {
  e2e_suite s(store_suite());
  s.add("one.toml", store_scenario("store_after_rename"));
  // One run, two shards: one of them is empty.
  const std::string empty = s.crashpoint({"list", ".", "--shard", "1/2"}).out.text.empty() ? "1/2" : "2/2";
  const fs::path file = outside(s, "junit.xml");
  const auto r = s.run({"--shard", empty, "--junit", file.string()});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  const xml_doc doc = valid_junit(file);
  const auto suites = doc.root().descendants("testsuite");
  REQUIRE(suites.size() == 1);
  CHECK(suites[0].attr("name") == "crashpoint");
  CHECK(suites[0].attr("tests") == "0");
}

TEST_CASE("reports: report files replace an old report and leave no temporary file") {
  const e2e_suite s = mixed_suite();
  const fs::path out = outside(s, "out");
  fs::create_directories(out);
  std::ofstream(out / "junit.xml") << "old";
  std::ofstream(out / "report.json") << "old";
  const auto r = s.run({"--junit", "../out/junit.xml", "--json", "../out/report.json"});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"junit.xml", "report.json"});
  CHECK(valid_junit(out / "junit.xml").root().attr("tests") == "4");
  CHECK(read_json(out / "report.json")["runs"].size() == 4);
}

TEST_CASE("reports: a report path in a missing folder is a usage error, and nothing runs") {
  const e2e_suite s = mixed_suite();
  const auto r = s.run({"--junit", "no/such/folder/junit.xml"});
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK(r.out.text.empty());
  CHECK(r.err.text ==
        "crashpoint: --junit no/such/folder/junit.xml: the folder no/such/folder does not exist\n");
  const auto dir = s.run({"--json", "."});
  CHECK(exited_with(dir, 2));
  CHECK(dir.err.text == "crashpoint: --json .: expected a file name, not a folder\n");
  const auto same = s.run({"--json", "../r", "--junit", "../r"});
  CHECK(exited_with(same, 2));
  CHECK(same.err.text == "crashpoint: --junit and --json name the same file\n");
}

TEST_CASE("reports: the JSON summary's planned counts explored runs") {
  e2e_suite s(suite_toml(fixture("explore_store")), {{"put.toml", R"(checkpoints = "auto"
[crash]
command = ["{target}", "put", "a=1", "b=2", "c=3"]
)"}});
  const fs::path json_file = outside(s, "report.json");
  const auto r = s.run({"-j", "1", "--json", json_file.string()});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  const json doc = read_json(json_file);
  CHECK(doc["summary"] ==
        json{{"planned", 4}, {"completed", 4}, {"passed", 4}, {"failed", 0}, {"not_run", 0}});
}
