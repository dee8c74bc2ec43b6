// SPDX-License-Identifier: Apache-2.0
// nesting_depth_test.cpp: the depth scans that run before toml++ and
// nlohmann_json, which recurse once per level, see a text.
#include <catch2/catch.hpp>

#include <string>

#include "util/nesting_depth.hpp"

using namespace crashpoint::harness;

namespace {

std::string repeat(const std::string& part, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += part;
  return out;
}

// "line:column" of the excess, or "none".
std::string excess(const std::string& toml, std::size_t limit) {
  const auto e = toml_too_deep(toml, limit);
  return e ? std::to_string(e->line) + ":" + std::to_string(e->column) : "none";
}

}  // namespace

TEST_CASE("toml depth: 40,000 dotted key segments are refused at the first segment too deep") {
  const std::string key = "a" + repeat(".a", 39'999) + " = 1\n";
  // Segment 257 opens the 257th table: column 1 + 2 * 256.
  CHECK(excess("checkpoints = [\"x\"]\n" + key, 256) == "2:513");
  CHECK(excess("a.b.c = 1\n", 2) == "none");   // tables a, b
  CHECK(excess("a.b.c.d = 1\n", 2) == "1:5");  // c is the third
}

TEST_CASE("toml depth: header segments, arrays of tables and keys below a header add up") {
  CHECK(excess("[a.b]\nc.d = 1\n", 2) == "2:1");  // a, b, then c holding d
  CHECK(excess("[a.b]\nc.d = 1\n", 3) == "none");
  CHECK(excess("[[a.b]]\n", 2) == "1:6");  // a, the array b, its table
  CHECK(excess("[" + repeat("a.", 300) + "a]\n", 256) == "1:514");
  CHECK(excess("['a.b'.\"c.d\"]\n", 2) == "none");  // dots inside quoted segments do not count
}

TEST_CASE("toml depth: inline tables and arrays count from the key that holds them") {
  CHECK(excess("v = " + repeat("[", 300) + repeat("]", 300) + "\n", 256) == "1:261");
  CHECK(excess("v = " + repeat("{a=", 300) + "1" + repeat("}", 300) + "\n", 256) == "1:773");
  CHECK(excess("v = {a.b = [{c = 1}]}\n", 4) == "none");  // {}: 1, a: 2, [ ]: 3, {}: 4
  CHECK(excess("v = {a.b = [{c = 1}]}\n", 3) == "1:13");
  CHECK(excess("a = [\n  [1],\n  [[2]],\n]\n", 2) == "3:4");
}

TEST_CASE("toml depth: strings and comments are skipped, however they look") {
  CHECK(excess("a = \"[[[[[[\"  # {{{{{{{\nb = '''\n[[[[\n''' \nc = \"\"\"\\\"\"\"[[[[\"\"\"\n", 1) ==
        "none");
  CHECK(excess("\"a.b.c\".d = 1\n", 1) == "none");
  CHECK(excess("x = \"é\" ; y.z.w = 1\n", 1) == "none");  // invalid TOML: toml++ reports it
  CHECK(excess("s = \"é\"\nt.u.v = 1\n", 1) == "2:3");    // columns in characters
}

TEST_CASE("json depth: the byte at which nesting passes the limit") {
  CHECK(json_too_deep("[[[]]]", 3) == std::string::npos);
  CHECK(json_too_deep("[[[[]]]]", 3) == 3);
  CHECK(json_too_deep(R"({"a": "[[[[[[", "b": {"c": [1]}})", 3) == std::string::npos);
  CHECK(json_too_deep(R"(["\"[[[["])", 1) == std::string::npos);
  CHECK(json_too_deep(repeat("[", 100'000) + repeat("]", 100'000), 512) == 512);
}
