// SPDX-License-Identifier: Apache-2.0
// user_pattern_test.cpp: the patterns users write run on RE2: linear in the
// text (no stack to overflow), errors with hints for other dialects' syntax,
// UTF-8 text, and the matches `coverage --pattern` iterates over.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "util/user_pattern.hpp"

using namespace crashpoint::harness;
using Catch::Contains;

namespace {

user_pattern compiled(const std::string& text, bool multi_line = false) {
  std::string error;
  auto p = user_pattern::compile(text, error, multi_line);
  INFO(text << ": " << error);
  REQUIRE(p);
  return *p;
}

std::string error_of(const std::string& text) {
  std::string error;
  CHECK_FALSE(user_pattern::compile(text, error));
  return error;
}

}  // namespace

TEST_CASE("patterns: a repeated group over 10,000 lines matches (libstdc++'s regex overflowed its stack)") {
  std::string ok;
  for (int i = 0; i < 10'000; ++i) ok += "ok\n";
  const user_pattern p = compiled("^(ok\\n)+$");
  CHECK(p.found_in(ok));
  CHECK_FALSE(p.found_in(ok + "no\n"));
  CHECK(compiled("^(.|\\n)*$").found_in(std::string(64 * 1024, 'x') + "\n"));
}

TEST_CASE("patterns: matched anywhere; ^ and $ are the ends of the text unless (?m)") {
  CHECK(compiled("b=2").found_in("a=1\nb=2\n"));
  CHECK_FALSE(compiled("^b=2$").found_in("a=1\nb=2\n"));
  CHECK(compiled("(?m)^b=2$").found_in("a=1\nb=2\n"));
  CHECK(compiled("^b=2$", /*multi_line=*/true).found_in("a=1\nb=2\n"));
  CHECK_FALSE(compiled("^balance=12$").found_in("balance=12\n"));  // $ is not before a final newline
  CHECK(compiled("^balance=12\\n$").found_in("balance=12\n"));
}

TEST_CASE("patterns: text is UTF-8: . is a character; other bytes need \\C") {
  CHECK(compiled("^.$").found_in("é"));
  CHECK_FALSE(
      compiled("^a.b$").found_in("a\xff"
                                 "b"));
  CHECK(
      compiled("^a\\Cb$").found_in("a\xff"
                                   "b"));
}

TEST_CASE("patterns: what RE2 lacks is an error with a hint") {
  CHECK_THAT(error_of("(?=a)"), Contains("invalid perl operator: (?=") && Contains("RE2 has no lookahead"));
  CHECK_THAT(error_of("(?<!a)b"), Contains("RE2 has no lookbehind"));
  CHECK_THAT(error_of("(a)\\1"), Contains("invalid escape sequence: \\1") && Contains("no backreferences"));
  CHECK_THAT(error_of("(?<name>a)"), Contains("write a named group as (?P<name>...)"));
  CHECK_THAT(error_of("\\u0041"), Contains("write a code point as \\x{41}"));
  CHECK_THAT(error_of("a{1001}"), Contains("invalid repetition size: {1001}"));
  CHECK_THAT(error_of("(unclosed"), Contains("missing ): (unclosed"));
  CHECK(compiled("(?P<name>a)\\x{41}").found_in("aA"));
}

TEST_CASE("patterns: a pattern beyond RE2's memory budget is refused when compiled, never at match time") {
  const auto repeated = [](int n) {
    std::string p;
    for (int i = 0; i < n; ++i) p += "[a-z]{1000}";
    return p;
  };
  CHECK_THAT(error_of(repeated(700)), Contains("pattern too large - compile failed") &&
                                          Contains("memory budget of 8 MiB per pattern"));
  // Small enough forward, too large for the reverse program an unanchored search may need.
  CHECK_THAT(error_of(repeated(500)), Contains("pattern too large - reverse compile failed"));
}

TEST_CASE("patterns: a search that could take minutes is refused by its cost, before it starts") {
  // RE2's NFA fallback took 290 s for this pattern over 16 MiB.
  const user_pattern costly = compiled("a[ab]{500}c");
  CHECK(costly.instructions() == 506);
  CHECK(costly.cost_problem(1 << 20).empty());
  CHECK(costly.cost_problem(16 << 20) ==
        "16777216 bytes are too many to search for a pattern of 506 RE2 instructions: bytes x instructions "
        "may be at most 1073741824 (a search cannot be interrupted)");
  CHECK(compiled("^balance=\\d+\\n$").cost_problem(16 << 20).empty());
}

TEST_CASE("patterns: each match's group 1, left to right, empty matches included once") {
  std::vector<std::string> found;
  std::vector<std::size_t> at;
  compiled("^x\\((\\w*)\\)", /*multi_line=*/true)
      .for_each_match("x(a)\nx()\ny(b)\nx(c)", [&](std::size_t offset, std::string_view name) {
        found.emplace_back(name);
        at.push_back(offset);
      });
  CHECK(found == std::vector<std::string>{"a", "", "c"});
  CHECK(at == std::vector<std::size_t>{2, 7, 16});
  std::size_t empty_matches = 0;
  compiled("(z?)").for_each_match("abc", [&](std::size_t, std::string_view) { ++empty_matches; });
  CHECK(empty_matches == 4);  // before a, b, c and at the end
}
