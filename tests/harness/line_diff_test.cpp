// SPDX-License-Identifier: Apache-2.0
// line_diff_test.cpp: the diff a failure message shows for multi-line text.
#include <catch2/catch.hpp>

#include <string>

#include "check/assertions.hpp"
#include "util/line_diff.hpp"

using namespace crashpoint::harness;

namespace {

std::string numbered(int from, int to, const std::string& changed_line = "", int changed = 0) {
  std::string out;
  for (int i = from; i <= to; ++i) out += (i == changed ? changed_line : "line " + std::to_string(i)) + "\n";
  return out;
}

}  // namespace

TEST_CASE("line diff: one changed line with three lines of context on each side") {
  CHECK(line_diff(numbered(1, 10), numbered(1, 10, "LINE 5", 5)) ==
        "@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+LINE 5\n line 6\n line 7\n line 8");
  CHECK(line_diff("a\n", "a\n").empty());
}

TEST_CASE("line diff: changes far apart are separate hunks; lines added and removed at the ends") {
  const std::string diff = line_diff(numbered(1, 20), numbered(1, 20, "x", 2) + "line 21\n");
  CHECK(diff ==
        "@@ -1,5 +1,5 @@\n line 1\n-line 2\n+x\n line 3\n line 4\n line 5\n"
        "@@ -18,3 +18,4 @@\n line 18\n line 19\n line 20\n+line 21");
  CHECK(line_diff("a\nb\n", "") == "@@ -1,2 +0,0 @@\n-a\n-b");
  CHECK(line_diff("", "a\n") == "@@ -0,0 +1,1 @@\n+a");
}

TEST_CASE("line diff: a missing final newline is shown, control bytes escaped, long lines cut") {
  CHECK(line_diff("a\nb\n", "a\nb") == "@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ no newline at the end");
  CHECK(line_diff("a\tb\n",
                  "a\x01"
                  "b\n") == "@@ -1,1 +1,1 @@\n-a\\tb\n+a\\x01b");
  const std::string diff = line_diff("x\n", std::string(100'000, 'y') + "\n");
  CHECK(diff.size() < 300);
  CHECK(diff.find("more bytes]") != std::string::npos);
}

TEST_CASE("line diff: bounded in lines, whatever the texts") {
  std::string a, b;
  for (int i = 0; i < 100'000; ++i) {
    a += std::to_string(i) + "\n";
    b += std::to_string(i * 7) + "\n";
  }
  const std::string diff = line_diff(a, b);
  CHECK(std::count(diff.begin(), diff.end(), '\n') < 45);
  CHECK(diff.find("more changed lines]") != std::string::npos);
  CHECK(diff.find("the rest is not compared]") != std::string::npos);
}

TEST_CASE("line diff: only for multi-line text; a single line keeps its quoted form") {
  CHECK_FALSE(is_multi_line("one\n"));
  CHECK_FALSE(is_multi_line("one"));
  CHECK(is_multi_line("one\ntwo"));
  CHECK(multi_line_diff("5\n", sample_text("7\n", 100)).empty());
  CHECK(multi_line_diff("a\nb\n", sample_text("a\nc\n", 100)) == "\n@@ -1,2 +1,2 @@\n a\n-b\n+c");
  // A file longer than what is read for the message: the diff says so.
  CHECK(multi_line_diff("a\nb\n", sample_text("a\nc\nd\ne\n", 4)) ==
        "\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n[... compared with the first 4 bytes of its 8 bytes]");
}
