// SPDX-License-Identifier: Apache-2.0
// The JUnit and JSON reports built from a session record, without processes:
// XML escaping, counts, failure vs error, the empty and interrupted cases.
#include <catch2/catch.hpp>

#include "report/json_report.hpp"
#include "report/junit_report.hpp"

using namespace crashpoint::harness;
using Catch::Contains;

namespace {

run_result passed_run(const std::string& scenario, const std::string& checkpoint) {
  run_result r;
  r.scenario = scenario;
  r.checkpoint = checkpoint;
  r.scenario_file = "/nowhere/" + scenario + ".toml";
  r.duration = std::chrono::milliseconds(14);
  return r;
}

run_result failed_run(const std::string& scenario, const std::string& checkpoint, failure_kind kind) {
  run_result r = passed_run(scenario, checkpoint);
  r.kind = kind;
  r.reason = "it broke";
  r.details = {"detail one", "detail two\n"};
  r.reproduce = "cd \"$(mktemp -d)\"\nrun it\n";
  r.run_dir = "/tmp/kept";
  return r;
}

session_record record_of(std::vector<run_result> results) {
  session_record s;
  s.planned = results.size();
  s.results = std::move(results);
  s.duration = std::chrono::milliseconds(1500);
  return s;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("reports: xml_escape escapes markup, in attributes also quotes and line ends") {
  CHECK(xml_escape("a<b>&c\"d'e", false) == "a&lt;b&gt;&amp;c\"d'e");
  CHECK(xml_escape("a<b>&c\"d'e", true) == "a&lt;b&gt;&amp;c&quot;d'e");
  CHECK(xml_escape("l1\nl2\tx\r", false) == "l1\nl2\tx&#13;");
  CHECK(xml_escape("l1\nl2\tx\r", true) == "l1&#10;l2&#9;x&#13;");
}

TEST_CASE("reports: xml_escape replaces what XML 1.0 cannot hold") {
  // Control characters other than tab, newline, CR: shown as \xNN.
  CHECK(xml_escape(std::string("a\0b\x1b[31m\x7f", 9), false) == "a\\x00b\\x1B[31m\x7f");
  // Valid UTF-8 passes through, up to 4 bytes.
  const std::string accents = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
  CHECK(xml_escape(accents, false) == accents);
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(xml_escape("\xFF", false) == fffd);                                   // never valid
  CHECK(xml_escape("a\xC3", false) == "a" + fffd);                            // truncated
  CHECK(xml_escape("\xC0\xAF", false) == fffd + fffd);                        // overlong '/'
  CHECK(xml_escape("\xED\xA0\x80", false) == fffd + fffd + fffd);             // a UTF-16 surrogate
  CHECK(xml_escape("\xEF\xBF\xBE", false) == fffd + fffd + fffd);             // U+FFFE, not an XML character
  CHECK(xml_escape("\xF4\x90\x80\x80", false) == fffd + fffd + fffd + fffd);  // above U+10FFFF
}

TEST_CASE("reports: JUnit has one testsuite per scenario and one testcase per run") {
  const auto xml = junit_xml(
      record_of({passed_run("deposit", "a"), failed_run("deposit", "b", failure_kind::assertion_failed),
                 failed_run("withdraw", "c", failure_kind::harness_error)}));
  // Jenkins's junit-10.xsd allows no `skipped` or `timestamp` here.
  CHECK_THAT(xml, Contains("<testsuites name=\"crashpoint\" tests=\"3\" failures=\"1\" errors=\"1\" "
                           "time=\"1.500\">"));
  CHECK_THAT(xml, Contains("<testsuite name=\"deposit\" tests=\"2\" failures=\"1\" errors=\"0\" "
                           "skipped=\"0\" time=\"0.028\""));
  CHECK_THAT(xml, Contains("<testsuite name=\"withdraw\" tests=\"1\" failures=\"0\" errors=\"1\""));
  CHECK_THAT(xml, Contains("<testcase name=\"a\" classname=\"deposit\" time=\"0.014\"/>"));
  CHECK_THAT(xml, Contains("<failure message=\"assertion failed: it broke\" type=\"assertion_failed\">"
                           "assertion failed: it broke\ndetail one\ndetail two\nkept: /tmp/kept\n"
                           "reproduce:\n  cd \"$(mktemp -d)\"\n  run it\n</failure>"));
  // The harness could not do its job: an error, not a failure of the program.
  CHECK_THAT(xml, Contains("<error message=\"harness error: it broke\" type=\"harness_error\">"));
  CHECK(occurrences(xml, "<property name=\"interrupted\" value=\"false\"/>") == 2);
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0) == 0);
}

TEST_CASE("reports: JUnit without any completed run still carries the properties") {
  session_record s = record_of({});
  s.planned = 4;
  s.interrupted = true;
  s.shard = shard_spec{1, 3};
  const auto xml = junit_xml(s);
  CHECK_THAT(xml, Contains("<testsuite name=\"crashpoint\" tests=\"0\" failures=\"0\" errors=\"0\""));
  CHECK_THAT(xml, Contains("<property name=\"interrupted\" value=\"true\"/>"));
  CHECK_THAT(xml, Contains("<property name=\"shard\" value=\"2/3\"/>"));
}

TEST_CASE("reports: JUnit lists the runs an interrupt left out as skipped testcases") {
  session_record s = record_of({passed_run("deposit", "a")});
  s.interrupted = true;
  s.skipped = {{"deposit", "b", "/nowhere/deposit.toml"}, {"withdraw", "c", "/nowhere/withdraw.toml"}};
  const auto xml = junit_xml(s);
  CHECK_THAT(xml, Contains("<testsuites name=\"crashpoint\" tests=\"3\" failures=\"0\" errors=\"0\""));
  CHECK_THAT(xml,
             Contains("<testsuite name=\"deposit\" tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\""));
  CHECK_THAT(xml,
             Contains("<testsuite name=\"withdraw\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\""));
  CHECK_THAT(xml,
             Contains("<testcase name=\"b\" classname=\"deposit\" time=\"0.000\">\n"
                      "      <skipped message=\"not run: the session stopped before this run started\"/>\n"
                      "    </testcase>"));
}

TEST_CASE("reports: JSON holds every run with its verdict, and a summary") {
  session_record s =
      record_of({passed_run("deposit", "a"), failed_run("deposit", "b", failure_kind::not_reached)});
  s.planned = 5;
  s.interrupted = true;
  const auto doc = nlohmann::json::parse(json_report_text(s));
  CHECK(doc["format_version"] == 1);
  CHECK(doc["interrupted"] == true);
  CHECK(doc["shard"].is_null());
  CHECK(doc["duration_ms"] == 1500.0);
  CHECK(doc["summary"] ==
        nlohmann::json{{"planned", 5}, {"completed", 2}, {"passed", 1}, {"failed", 1}, {"not_run", 3}});
  REQUIRE(doc["runs"].size() == 2);
  const auto& fail = doc["runs"][1];
  CHECK(fail["id"] == "deposit@b");
  CHECK(fail["verdict"] == "failed");
  CHECK(fail["kind"] == "checkpoint_not_reached");
  CHECK(fail["reason"] == "it broke");
  CHECK(fail["details"] == nlohmann::json{"detail one", "detail two\n"});
  CHECK(fail["run_dir"] == "/tmp/kept");
  CHECK(fail["duration_ms"] == 14.0);
  CHECK(doc["runs"][0]["run_dir"].is_null());
  CHECK(doc["runs"][0]["kind"] == "passed");
}

TEST_CASE("reports: JSON replaces bytes that are not UTF-8 instead of failing") {
  run_result r = failed_run("s", "c", failure_kind::recovery_failed);
  r.details = {"bad \xFF byte"};
  const auto doc = nlohmann::json::parse(json_report_text(record_of({r})));
  CHECK(doc["runs"][0]["details"][0] == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("reports: every failure kind has an identifier") {
  CHECK(kind_id(failure_kind::none) == "passed");
  CHECK(kind_id(failure_kind::wrong_end) == "wrong_crash_status");
  CHECK(kind_id(failure_kind::timed_out) == "timed_out");
}
