// SPDX-License-Identifier: Apache-2.0
// C++ assertions registered in a project's own harness executable
// (examples/harness_api/minikv_harness.cpp), observed through that executable.
#include <catch2/catch.hpp>

#include "spawn.hpp"

using namespace crashpoint::test;

namespace {

crashpoint::harness::command_result run_cpp_scenarios(const std::string& harness, const std::string& target) {
  return spawn(harness, {"run", (source_dir() / "examples/harness_api/scenarios").string(), "--target",
                         target, "--keep", "none"});
}

}  // namespace

TEST_CASE("registered C++ assertions pass on a store that recovers") {
  const auto r = run_cpp_scenarios(MINIKV_HARNESS_EXE, MINIKV_EXE);
  INFO(r.out.text);
  CHECK(exited_with(r, 0));
  CHECK_THAT(r.out.text, Catch::EndsWith("4 passed, 0 failed\n"));
}

TEST_CASE("a C++ assertion names what it found wrong in a store that loses data") {
  const auto r = run_cpp_scenarios(MINIKV_HARNESS_EXE, MINIKV_BUGGY_EXE);
  INFO(r.out.text);
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text,
             Catch::Contains("compact_crash.toml:20:1: C++ assertion `acknowledged_puts_visible`: "
                             "acknowledged key `b` is missing"));
}

TEST_CASE("an assertion name no executable registered fails the run and says how to register it") {
  const auto r = run_cpp_scenarios(CRASHPOINT_TEST_EXE, MINIKV_EXE);
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Catch::Contains("C++ assertion `minikv_invariants` is not registered in "
                                         "this executable: register it with "
                                         "crashpoint::register_assertion"));
}
