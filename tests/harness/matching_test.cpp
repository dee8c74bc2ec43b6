// SPDX-License-Identifier: Apache-2.0
// Placeholders, --filter globs and assertion path globs.
#include <catch2/catch.hpp>

#include "check/assertions.hpp"
#include "check/quoting.hpp"
#include "scenario/placeholders.hpp"
#include "plan/run_plan.hpp"

using namespace crashpoint::harness;

TEST_CASE("placeholders expand once; unknown braces stay as written") {
  const placeholder_values v{{"target", "/bin/t"}, {"workdir", "{target}"}};
  CHECK(expand("{target} --dir={workdir}", v) == "/bin/t --dir={target}");
  CHECK(expand(R"({"a": {unknown}})", v) == R"({"a": {unknown}})");
  CHECK(expand("{target", v) == "{target");
  CHECK(expand("", v).empty());
}

TEST_CASE("filter globs match whole run ids") {
  CHECK(glob_match("deposit@*", "deposit@a"));
  CHECK(glob_match("*@a=kill", "x/y@a=kill"));
  CHECK(glob_match("d?p*", "deposit@a"));
  CHECK_FALSE(glob_match("deposit", "deposit@a"));
  CHECK(glob_match("*", ""));
}

TEST_CASE("path globs keep * within a segment and let ** span segments") {
  CHECK(path_glob_match("*.tmp", "a.tmp"));
  CHECK_FALSE(path_glob_match("*.tmp", "data/a.tmp"));
  CHECK(path_glob_match("data/*.tmp", "data/a.tmp"));
  CHECK(path_glob_match("**/*.tmp", "a.tmp"));
  CHECK(path_glob_match("**/*.tmp", "x/y/z/a.tmp"));
  CHECK(path_glob_match("data/[ab].log", "data/b.log"));
  CHECK_FALSE(path_glob_match("data/[ab].log", "data/c.log"));
}

TEST_CASE("quoted text escapes control bytes, so a NUL cannot cut a report short") {
  CHECK(quote(std::string("a\0b\n", 4)) == "\"a\\x00b\\n\"");
  CHECK(quote("say \"hi\"") == "\"say \\\"hi\\\"\"");
}
