// SPDX-License-Identifier: Apache-2.0
#include "report/run_text.hpp"

#include <fmt/format.h>

#include <sstream>

#include "util/terminal.hpp"

namespace crashpoint::harness {
namespace {

std::string indent(const std::string& text, std::string_view pad) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.append(pad).append(line).append("\n");
  return out;
}

std::string duration_text(std::chrono::nanoseconds d) {
  const double ms = std::chrono::duration<double, std::milli>(d).count();
  return ms < 1000 ? fmt::format("{:.0f} ms", ms) : fmt::format("{:.2f} s", ms / 1000);
}

}  // namespace

std::string format_run(const run_report& r, bool colour) {
  std::string text = fmt::format(
      "{}  {}  {}{}  ({})\n", r.passed ? painted(colour, "32", "PASS") : painted(colour, "31;1", "FAIL"),
      r.scenario, r.checkpoint, r.call.empty() ? "" : "  " + r.call, duration_text(r.duration));
  for (const auto& w : r.warnings) text += indent("warning: " + w, "      ");
  if (!r.passed && !r.crash_state.empty()) {
    text += indent("crash state: " + r.crash_state + (r.lost.empty() ? " (nothing lost)" : ""), "      ");
    // The console shows the first few; the JSON report has them all.
    constexpr std::size_t shown = 12;
    for (std::size_t i = 0; i < r.lost.size() && i < shown; ++i)
      text += indent("lost: " + r.lost[i], "        ");
    if (r.lost.size() > shown) {
      text +=
          indent("... " + std::to_string(r.lost.size() - shown) + " more lost operations in the JSON report",
                 "        ");
    }
  }
  if (!r.passed) {
    text += indent(fmt::format("{}: {}", r.failure, r.reason), "      ");
    for (const auto& d : r.details) text += indent(d, "      ");
  }
  if (!r.run_dir.empty()) text += fmt::format("      kept: {}\n", r.run_dir.string());
  if (!r.passed && !r.reproduce.empty()) {
    text += "      reproduce:\n" + indent(r.reproduce, "        ");
  }
  return text;
}

}  // namespace crashpoint::harness

std::string crashpoint::run_report::text() const { return harness::format_run(*this, false); }
