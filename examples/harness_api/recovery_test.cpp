// SPDX-License-Identifier: Apache-2.0
// A Catch2 test that drives the bundled scenarios through the harness library:
// each run of scenarios/ against minikv is a SECTION, with the harness's full
// report (reason, expected against actual, reproduction) when one fails.
#include <catch2/catch.hpp>
#include <crashpoint/harness.hpp>

TEST_CASE("minikv recovers from a crash at every bundled checkpoint") {
  const auto suites = crashpoint::suite_set::load({BUNDLED_SCENARIOS_DIR});
  crashpoint::run_settings settings;
  settings.target = MINIKV_PATH;
  settings.keep_dirs = crashpoint::run_settings::keep::none;
  const std::vector<std::string> runs = suites.runs();
  REQUIRE_FALSE(runs.empty());
  for (const std::string& id : runs) {
    SECTION(id) {
      const crashpoint::run_report r = suites.execute(id, settings);
      INFO(r.text());
      CHECK(r.passed);
      CHECK(r.steps.size() >= 2);  // at least the crash and one recovery step
    }
  }
}
