// SPDX-License-Identifier: Apache-2.0
// setup_template_test.cpp: a scenario's setup runs once, and each of its runs
// starts from a faithful copy of the state it left (setup_template.hpp):
// explored crash points from their discovery run's state, a listed scenario's
// runs from its first run's. Setup counts its runs in a file outside the
// workdir, $COUNT.
#include <catch2/catch.hpp>

#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

// explore_store, with COUNT naming the file each setup appends a line to.
class counting_suite {
 public:
  explicit counting_suite(const std::string& bug = "")
      : suite_(suite_toml(fixture("explore_store"),
                          "[defaults]\nenv = { COUNT = \"" + count_file().string() + "\"" +
                              (bug.empty() ? "" : ", EXPLORE_STORE_BUG = \"" + bug + "\"") + " }\n")) {}

  const e2e_suite& suite() const { return suite_; }
  fs::path count_file() const { return dir_ / "count"; }
  std::size_t setups() const { return lines_of(read_file(count_file())).size(); }

 private:
  temp_dir dir_;
  e2e_suite suite_;
};

const char* counting_setup = R"([setup]
steps = [["sh", "-c", "echo setup >> \"$COUNT\"; echo hello from setup"]]
)";

const char* put_crash = R"([crash]
command = ["{target}", "put", "a=1", "b=2", "c=3"]
[[recover]]
command = ["{target}", "show"]
stdout_equals = "a=1\nb=2\nc=3\n"
)";

// Four crash points: put_journaled@1, put_applied@1..3.
std::string explored(const std::string& more = "") {
  return "checkpoints = \"auto\"\n" + more + counting_setup + put_crash;
}

}  // namespace

TEST_CASE("setup template: an explored scenario runs its setup once, in discovery") {
  const counting_suite s;
  s.suite().add("put.toml", explored());
  const auto r = s.suite().run({"-j", "2"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(last_line(r.out.text) == "4 passed, 0 failed");
  CHECK(s.setups() == 1);
}

TEST_CASE("setup template: `[setup] template = false` runs setup in every run") {
  const counting_suite s;
  s.suite().add("put.toml",
                "checkpoints = \"auto\"\n" + std::string(counting_setup) + "template = false\n" + put_crash);
  const auto r = s.suite().run({"-j", "2"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(s.setups() == 5);  // discovery and four crash points
}

TEST_CASE("setup template: a setup step using {workdir} runs in every run") {
  const counting_suite s;
  s.suite().add("put.toml", R"(checkpoints = "auto"
[setup]
steps = [["sh", "-c", "echo \"$1\" >> \"$COUNT\"; echo \"$1\" > where", "sh", "{workdir}"]]
[crash]
command = ["{target}", "put", "a=1", "b=2", "c=3"]
[[assert]]
command = ["sh", "-c", "test \"$(cat where)\" = \"$PWD\""]
)");
  const auto r = s.suite().run({"-j", "2"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(s.setups() == 5);
}

TEST_CASE("setup template: a listed scenario's runs share its first run's setup") {
  const counting_suite s;
  s.suite().add("put.toml", "checkpoints = [\"put_journaled\", \"put_applied@2\", \"put_applied@3\"]\n" +
                                std::string(counting_setup) + put_crash);
  const auto r = s.suite().run({"-j", "1"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(last_line(r.out.text) == "3 passed, 0 failed");
  CHECK(s.setups() == 1);
}

TEST_CASE("setup template: the copy keeps links, hard links, modes, times, FIFOs and holes") {
  // The setup builds one of each; a link leads out of the workdir, to a folder
  // that must be neither copied nor changed. Every crash point's assertion
  // checks its copy.
  const counting_suite s;
  const temp_dir outside;
  std::ofstream(outside / "sentinel") << "outside\n";
  s.suite().add("put.toml", R"toml(checkpoints = "auto"
[setup]
steps = [["sh", "-c", """
set -e
echo setup >> "$COUNT"
mkdir -p d/e
echo hi > d/e/f
chmod 640 d/e/f
touch -d 2001-01-01T00:00:00Z d/e/f
ln -s e d/rel
ln -s ")toml" + outside.path().string() +
                                R"toml(" out
ln d/e/f hard
mkfifo pipe
truncate -s 1G sparse
echo tail >> sparse
mkdir locked
chmod 500 locked
"""]]
)toml" + std::string(put_crash) +
                                R"toml(
[[assert]]
command = ["sh", "-c", """
set -e
test "$(readlink d/rel)" = e
test "$(readlink out)" = ")toml" +
                                outside.path().string() + R"toml("
test "$(stat -c %a d/e/f)" = 640
test "$(stat -c %Y d/e/f)" = 978307200
test "$(stat -c %h hard)" = 2
test -p pipe
test "$(stat -c %s sparse)" = 1073741829
test "$(stat -c %b sparse)" -lt 1000
test "$(stat -c %a locked)" = 500
"""]
)toml");
  const auto r = s.suite().run({"-j", "2"});
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  CHECK(last_line(r.out.text) == "4 passed, 0 failed");
  CHECK(s.setups() == 1);
  std::vector<std::string> outside_now;
  for (const auto& e : fs::directory_iterator(outside.path())) outside_now.push_back(e.path().filename());
  CHECK(outside_now == std::vector<std::string>{"sentinel"});
  CHECK(read_file(outside / "sentinel") == "outside\n");
}

TEST_CASE("setup template: a run from a template still reports its setup steps") {
  // unjournaled: put_applied@1 fails; its report must replay the setup too.
  const counting_suite s("unjournaled");
  s.suite().add("put.toml", explored());
  const auto r = s.suite().run({"-j", "1", "--only", "put@put_applied@1"});
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK(s.setups() == 1);
  CHECK_THAT(r.out.text, Contains("echo setup >> \"$COUNT\"; echo hello from setup'   # setup: exit 0"));
  const std::string kept = value_after(r.out.text, "kept: ");
  REQUIRE_FALSE(kept.empty());
  CHECK(read_file(fs::path(kept) / "logs/1-setup.out") == "hello from setup\n");
  CHECK_THAT(read_file(fs::path(kept) / "state.json"), Contains("\"phase\": \"setup\""));
}
