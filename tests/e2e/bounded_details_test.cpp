// SPDX-License-Identifier: Apache-2.0
// bounded_details_test.cpp: failure details are bounded in bytes, not only in
// lines. Runs whose programs write megabyte lines cost the harness little
// memory, and the console and the reports quote only the ends of each line.
#include <nlohmann/json.hpp>

#include "hostile_support.hpp"

using namespace crashpoint::test;
using Catch::Contains;
using json = nlohmann::json;

namespace {

// Recovery writes one 2 MiB line of x on stderr, then fails.
const std::string megabyte_line_scenario = R"(checkpoints = ["store_after_rename"]
[setup]
steps = [["{target}", "init"]]
[crash]
command = ["{target}", "set", "7"]
[[recover]]
command = ["sh", "-c", "head -c 2097152 /dev/zero | tr '\\0' x >&2; exit 3"]
)";

constexpr std::size_t runs = 40;

std::size_t longest_line(const std::string& text) {
  std::size_t longest = 0;
  for (const std::string& line : lines_of(text)) longest = std::max(longest, line.size());
  return longest;
}

}  // namespace

TEST_CASE("details: megabyte lines are cut in memory, on the console and in the reports") {
  hostile_suite s(store_exe());
  for (std::size_t i = 0; i < runs; ++i) s.add("big" + std::to_string(i) + ".toml", megabyte_line_scenario);
  const fs::path report = s.area() / "report.json";
  const observed_run r = s.observe({"run", ".", "-j", "2", "--keep", "none", "--json", report.string()});
  INFO(shown(r.result).substr(0, 4000));
  CHECK(exited_with(r.result, 1));
  CHECK(last_line(r.result.out.text) == "0 passed, 40 failed");

  // The capture keeps the first and last 512 KiB of the 2 MiB; each of those
  // lines (indented by two spaces) is quoted by its first and last 512 bytes.
  const std::size_t line = 2 + 512 * 1024;
  const std::string cut = "[crashpoint: " + std::to_string(line - 1024) + " bytes omitted]";
  CHECK_FALSE(r.result.out.truncated);  // the test's own 1 MiB capture held it all
  CHECK(r.result.out.text.size() < runs * 8 * 1024);
  CHECK(longest_line(r.result.out.text) < 1200);
  CHECK_THAT(r.result.out.text, Contains("  " + std::string(510, 'x') + cut + std::string(512, 'x') + "\n"));

  const json doc = json::parse(read_file(report));
  REQUIRE(doc["runs"].size() == runs);
  for (const json& run : doc["runs"]) {
    std::size_t bytes = 0;
    for (const json& d : run["details"]) {
      bytes += d.get<std::string>().size();
      CHECK(longest_line(d.get<std::string>()) < 1200);
    }
    CHECK(bytes < 8 * 1024);
  }
  // 40 MiB of details were never held at once.
  INFO("peak RSS of the harness: " << r.maxrss_kb << " KiB");
  CHECK(r.maxrss_kb > 0);
  CHECK(r.maxrss_kb < rss_bound_kib(40 * 1024));
}
