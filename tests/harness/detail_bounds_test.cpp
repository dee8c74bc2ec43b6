// SPDX-License-Identifier: Apache-2.0
// detail_bounds_test.cpp: cutting failure details to bounded bytes: long lines
// keep their ends, a run's details stop at a total, UTF-8 is never split.
#include <catch2/catch.hpp>

#include "util/detail_bounds.hpp"

using namespace crashpoint::harness;

TEST_CASE("bound_lines keeps short lines and cuts a long one around a count of what is left out") {
  CHECK(bound_lines("short\nlines\n", 8) == "short\nlines\n");
  CHECK(bound_lines("0123456789abcdef\nok", 8) == "0123[crashpoint: 8 bytes omitted]cdef\nok");
}

TEST_CASE("bound_lines never splits a UTF-8 sequence") {
  // "é" is two bytes: a cut inside one leaves it out whole.
  const std::string text =
      "aaa\xC3\xA9"
      "bbbbbb\xC3\xA9"
      "ccc";
  CHECK(bound_lines(text, 8) == "aaa[crashpoint: 10 bytes omitted]ccc");
}

TEST_CASE("bound_details stops at the run's total and says how many bytes it left out") {
  std::vector<std::string> details{"one\ntwo\n", "three\nfour", "five"};
  bound_details(details, 100, 12);
  // "one\ntwo\n" (8) and "three\n" (6) would be 14: "three\nfour" and "five" go.
  CHECK(details == std::vector<std::string>{"one\ntwo\n", "[crashpoint: 14 bytes omitted]"});
}

TEST_CASE("bound_details leaves details within both limits as they were") {
  std::vector<std::string> details{"expected 5", "stderr (last lines):\n  boom\n"};
  const auto before = details;
  bound_details(details);
  CHECK(details == before);
}
