// SPDX-License-Identifier: Apache-2.0
// hostile_state_test.cpp: workdirs that attack the checks the harness makes
// itself (file content, glob, `idempotent` and `unchanged` snapshots, JSON,
// patterns), each through the real crashpoint under the hostile observer.
// Whatever a target leaves behind, the harness finishes with a verdict within
// the run's timeout and a bounded memory, and a bound that is exceeded is a
// failure naming it. Big inputs are made in the workdir by setup steps
// (`truncate` makes sparse files: nothing is written to disk).
#include "hostile_support.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

// Crashes by the protocol at hostile_point; the suites' target is /bin/sh.
const std::string crash_command =
    R"(["{target}", "-c", "echo 'CRASHPOINT: crashing at checkpoint `hostile_point` (intentional)' >&2; kill -ABRT $$"])";

// A scenario whose setup runs the shell line `setup` (a TOML literal string:
// no escapes), whose recovery does nothing, followed by `more`.
std::string scenario(const std::string& setup, const std::string& more) {
  return crash_at_point(crash_command, "[setup]\nsteps = [[\"{target}\", \"-c\", '''" + setup +
                                           "''']]\n[[recover]]\ncommand = [\"/bin/true\"]\n" + more);
}

void check_nothing_left(const hostile_suite& s, const observed_run& r) {
  CHECK(r.leaked.empty());
  CHECK(s.leftovers().empty());
}

}  // namespace

TEST_CASE("hostile state: content checks on a 2 GiB sparse file stay within their bounds") {
  hostile_suite s("/bin/sh");
  s.add("golden.txt", "small\n");
  s.add("big.toml", scenario("truncate -s 2G big", R"(
[[assert]]
file = "big"
matches = "x"
[[assert]]
file = "big"
equals = "x"
[[assert]]
file = "big"
equals_file = "golden.txt"
[[assert]]
file = "big"
json = "/a"
value = 1
)"));
  const observed_run r = s.observe({"run", ".", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  CHECK_THAT(r.result.out.text, Contains("4 of 4 assertions failed after recovery"));
  CHECK_THAT(r.result.out.text,
             Contains("file big is 2147483648 bytes: `matches` reads files of at most 16 MiB"));
  CHECK_THAT(r.result.out.text, Contains("file big is \"\\x00\\x00"));  // equals: the size differs
  // Both ends escaped (\x00 is four characters): 60 bytes of each shown.
  CHECK_THAT(r.result.out.text, Contains("\\x00[... 2147483528 bytes ...]\\x00"));
  CHECK_THAT(r.result.out.text, Contains("file big differs from golden file golden.txt: it is \"\\x00"));
  CHECK_THAT(r.result.out.text,
             Contains("file big is 2147483648 bytes: `json` reads files of at most 4 MiB"));
  CHECK(r.maxrss_kb > 0);
  CHECK(r.maxrss_kb < rss_bound_kib(100 * 1024));  // it read the whole file before: 4.2 GB
  check_nothing_left(s, r);
}

TEST_CASE("hostile state: a check that outlasts the run's timeout gives up and says so") {
  hostile_suite s("/bin/sh");
  // 8 TiB of holes: reading it all would take an hour.
  s.add("huge.toml", "timeout = \"1s\"\n" + scenario("truncate -s 8T huge", R"(
[[assert]]
file = "huge"
contains = "x"
[[assert]]
file = "huge"
unchanged = true
)"));
  const observed_run r = s.observe({"run", ".", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  CHECK_THAT(r.result.out.text,
             Contains("file huge: gave up after the run's timeout (1s) while reading file huge"));
  CHECK_THAT(r.result.out.text, Contains("file huge: no snapshot before the crash run: gave up after the "
                                         "run's timeout (1s) while reading file huge"));
  check_nothing_left(s, r);
}

TEST_CASE("hostile state: a folder chain deeper than a walk goes fails glob and idempotent with the bound") {
  hostile_suite s("/bin/sh");
  // 300 levels; walks go 128 down. (Removing each level costs milliseconds
  // on some disks, so not the 5,000 that once took a glob 1.4 GB.)
  const std::string chain = "mkdir -p $(printf 'a/%.0s' $(seq 300))";
  s.add("a_glob.toml", scenario(chain, R"(
[[assert]]
glob = "**/*.tmp"
count = 0
[[assert]]
glob = "*.tmp"
count = 0
)"));
  s.add("b_idempotent.toml", "idempotent = true\n" + scenario(chain, ""));
  const observed_run r = s.observe({"run", ".", "-j", "1", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  const std::string bound =
      "folder a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/"
      "[...]/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a is 128 "
      "levels down and not empty: a walk goes at most 128 levels down";
  CHECK_THAT(r.result.out.text, Contains("1 of 2 assertions failed after recovery"));
  CHECK_THAT(r.result.out.text, Contains("glob **/*.tmp: " + bound));
  CHECK_THAT(r.result.out.text, Contains("harness error: cannot compare the workdir before and after a "
                                         "second recovery: " +
                                         bound));
  CHECK(r.maxrss_kb < rss_bound_kib(100 * 1024));
  check_nothing_left(s, r);
}

TEST_CASE("hostile state: patterns over 10,000 lines and 64 KiB files match (libstdc++'s regex overflowed)") {
  hostile_suite s("/bin/sh");
  s.add("patterns.toml", scenario("head -c 65536 /dev/zero | tr '\\0' x > big", R"(
[[assert]]
command = ["/bin/sh", "-c", "for i in $(seq 10000); do echo ok; done"]
stdout_matches = '^(ok\n)+$'
[[assert]]
file = "big"
matches = '^(x|y)+$'
)"));
  const observed_run r = s.observe({"run", ".", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 0));
  CHECK_THAT(r.result.out.text, Contains("PASS  patterns  hostile_point"));
  check_nothing_left(s, r);
}

TEST_CASE(
    "hostile state: deeply nested JSON fails the json check with the depth, printed without recursion") {
  hostile_suite s("/bin/sh");
  // 100,000 levels, and 500 (within the bound, printed in the message).
  s.add("json.toml",
        scenario("printf '%.0s[' $(seq 100000) > deep.json; printf '%.0s]' $(seq 100000) >> deep.json; "
                 "printf '{\"a\": ' > nested.json; printf '%.0s[' $(seq 500) >> nested.json; "
                 "printf '%.0s]' $(seq 500) >> nested.json; echo '}' >> nested.json",
                 R"(
[[assert]]
file = "deep.json"
json = ""
value = 1
[[assert]]
file = "nested.json"
json = "/a"
value = 1
)"));
  const observed_run r = s.observe({"run", ".", "--keep", "none"});
  INFO(shown(r.result));
  CHECK(exited_with(r.result, 1));
  CHECK_THAT(r.result.out.text, Contains("file deep.json nests JSON more than 512 levels deep (at byte 512): "
                                         "`json` compares documents at most 512 levels deep"));
  CHECK_THAT(r.result.out.text, Contains("file nested.json at `/a` is [[[[[[") &&
                                    Contains("[... 600 bytes ...]]]]]") && Contains(", expected 1"));
  check_nothing_left(s, r);
}
