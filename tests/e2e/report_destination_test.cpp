// SPDX-License-Identifier: Apache-2.0
// report_destination_test.cpp: where `--junit` and `--json` may write. `-` is
// stdout; a FIFO, a character device or the file stdout already is are written
// in place, never replaced; an input of the session or a folder is refused
// before anything runs.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "suite_builder.hpp"
#include "xml_doc.hpp"

using namespace crashpoint::test;
using Catch::Contains;
using json = nlohmann::json;

namespace {

e2e_suite passing_suite() {
  return e2e_suite(store_suite(), {{"ok.toml", store_scenario("store_after_rename")}});
}

// The test's folder around suite/: outside every scenario folder.
fs::path area(const e2e_suite& s) { return s.suite_dir().parent_path(); }

// Everything that can be read now from a non-blocking descriptor.
std::string drain(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

}  // namespace

TEST_CASE("report destinations: `-` writes the report to stdout and the console to stderr") {
  const e2e_suite s = passing_suite();
  const auto r = s.run({"--json", "-"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  const json doc = json::parse(r.out.text);  // stdout holds the report alone
  CHECK(doc["summary"]["passed"] == 1);
  CHECK(last_line(r.err.text) == "1 passed, 0 failed");
  CHECK_FALSE(fs::exists(s.suite_dir() / "-"));

  const auto xml = s.run({"--junit", "-"});
  INFO(shown(xml));
  CHECK(exited_with(xml, 0));
  const xml_doc junit(xml.out.text);
  CHECK(junit.schema_errors(junit_schema()) == "");
  CHECK(junit.root().attr("tests") == "1");
}

TEST_CASE("report destinations: a link to stdout is written in place, and stays a link") {
  // As `--json /dev/stdout`, with a link of the test's own: before the fix the
  // harness replaced the link itself with a file.
  const e2e_suite s = passing_suite();
  const fs::path link = area(s) / "stdout";
  fs::create_symlink("/proc/self/fd/1", link);
  const auto r = s.run({"--json", link.string()});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(fs::is_symlink(link));
  // The console first, then the report, on the same stream.
  const std::string summary = "1 passed, 0 failed\n";
  const auto at = r.out.text.find(summary);
  REQUIRE(at != std::string::npos);
  CHECK(json::parse(r.out.text.substr(at + summary.size()))["summary"]["passed"] == 1);
}

TEST_CASE("report destinations: a FIFO is written in place, and one without a reader is an error") {
  const e2e_suite s = passing_suite();
  const fs::path fifo = area(s) / "junit.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  {
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(reader >= 0);
    const auto r = s.run({"--junit", fifo.string()});
    const std::string text = drain(reader);
    ::close(reader);
    INFO(shown(r));
    CHECK(exited_with(r, 0));
    CHECK(fs::is_fifo(fifo));
    const xml_doc doc(text);
    CHECK(doc.schema_errors(junit_schema()) == "");
  }
  // Nobody reads it: the runs still run, the report is an error (exit 1).
  const auto unread = s.run({"--junit", fifo.string()});
  INFO(shown(unread));
  CHECK(exited_with(unread, 1));
  CHECK(last_line(unread.out.text) == "1 passed, 0 failed");
  CHECK(unread.err.text ==
        "crashpoint: cannot write --junit " + fifo.string() + ": no process has it open for reading\n");
  CHECK(fs::is_fifo(fifo));
}

TEST_CASE("report destinations: a link to a character device is written through, and stays") {
  const e2e_suite s = passing_suite();
  const fs::path link = area(s) / "null";
  fs::create_symlink("/dev/null", link);
  const auto r = s.run({"--json", link.string()});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(fs::is_symlink(link));
  CHECK(fs::is_character_file("/dev/null"));
}

TEST_CASE("report destinations: an input of the session is refused, before anything runs") {
  // scen/ holds the suite; its fixture and a copy of the target lie beside it.
  e2e_suite s(suite_toml("../store"));
  fs::copy_file(store_exe(), s.suite_dir() / "store");
  s.add("scen/crashpoint.toml", suite_toml("../store"));
  s.add("scen/ok.toml", R"(checkpoints = ["store_after_rename"]
[setup]
fixture = "../fix"
[crash]
command = ["{target}", "set", "7"]
)");
  s.add("fix/data/value", "5\n");
  fs::create_symlink(s.suite_dir() / "scen/ok.toml", area(s) / "link.toml");
  const std::string ok_toml = read_file(s.suite_dir() / "scen/ok.toml");

  const auto refused = [&](std::vector<std::string> args, const std::string& error) {
    args.insert(args.begin(), {"run", "scen"});
    const auto r = s.crashpoint(args);
    INFO(shown(r));
    CHECK(exited_with(r, 2));
    CHECK(r.out.text.empty());
    CHECK(r.err.text == "crashpoint: " + error + ", an input of this session; nothing was run\n");
  };
  refused({"--junit", "scen/ok.toml"}, "--junit scen/ok.toml: that is the scenario file scen/ok.toml");
  refused({"--junit", "../link.toml"}, "--junit ../link.toml: that is the scenario file scen/ok.toml");
  refused({"--json", "scen/crashpoint.toml"},
          "--json scen/crashpoint.toml: that is the suite file scen/crashpoint.toml");
  refused({"--json", "scen/new.json"}, "--json scen/new.json: that is inside the scenario folder scen");
  refused({"--json", "fix/data/value"}, "--json fix/data/value: that is inside the fixture fix");
  refused({"--junit", "store"}, "--junit store: that is the target store");
  refused({"--json", "fix/report.json", "--target", "store"},
          "--json fix/report.json: that is inside the fixture fix");

  CHECK(read_file(s.suite_dir() / "scen/ok.toml") == ok_toml);
  CHECK(read_file(s.suite_dir() / "fix/data/value") == "5\n");
  CHECK_FALSE(fs::exists(s.suite_dir() / "scen/new.json"));
  CHECK(s.leftovers().empty());  // nothing ran
  // The same suite writes its report beside the inputs without complaint.
  const auto r = s.crashpoint({"run", "scen", "--json", "report.json"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(json::parse(read_file(s.suite_dir() / "report.json"))["summary"]["passed"] == 1);
}

TEST_CASE("report destinations: coverage --json follows the same rules") {
  e2e_suite s(store_suite());
  s.add("scen/crashpoint.toml", store_suite());
  s.add("scen/ok.toml", store_scenario("store_after_rename"));
  s.add("src/store.cpp", "crashpoint::maybe_panic_at(\"store_after_rename\");\n");
  const auto refused = [&](const std::string& file, const std::string& error) {
    const auto r = s.crashpoint({"coverage", "--source", "src", "--json", file, "scen"});
    INFO(shown(r));
    CHECK(exited_with(r, 2));
    CHECK(r.out.text.empty());
    CHECK(r.err.text ==
          "crashpoint: --json " + file + ": " + error + ", an input of this session; nothing was run\n");
  };
  refused("src/coverage.json", "that is inside the source folder src");
  refused("scen/coverage.json", "that is inside the scenario folder scen");
  refused("src/store.cpp", "that is inside the source folder src");

  const auto dash = s.crashpoint({"coverage", "--source", "src", "--json", "-", "scen"});
  INFO(shown(dash));
  CHECK(exited_with(dash, 0));
  CHECK(json::parse(dash.out.text)["summary"]["covered"] == 1);  // stdout holds the report alone
  CHECK_THAT(dash.err.text, Contains("store_after_rename"));     // the table went to stderr
  CHECK(read_file(s.suite_dir() / "src/store.cpp") ==
        "crashpoint::maybe_panic_at(\"store_after_rename\");\n");
}
