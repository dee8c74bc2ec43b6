// SPDX-License-Identifier: Apache-2.0
// public_types.cpp: conversions to, and the text of, the public reports.
#include "public_types.hpp"

#include <fmt/format.h>

#include <sstream>

namespace crashpoint::harness {
namespace {

step_report::end end_of(exit_status::kind k) {
  switch (k) {
    case exit_status::kind::exited: return step_report::end::exited;
    case exit_status::kind::signaled: return step_report::end::signaled;
    case exit_status::kind::timed_out: return step_report::end::timed_out;
    case exit_status::kind::not_started: break;
  }
  return step_report::end::not_started;
}

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

std::string paint(bool colour, const char* code, std::string_view text) {
  return colour ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
}

}  // namespace

step_report to_public(const step_record& step) {
  step_report out;
  out.phase = step.phase;
  out.argv = step.argv;
  out.how = end_of(step.status.k);
  out.exit_code = step.status.code;
  out.signal = step.status.signal;
  out.describe = step.status.describe();
  out.duration = step.duration;
  out.stdout_path = step.stdout_path;
  out.stderr_path = step.stderr_path;
  return out;
}

run_report to_public(const run_result& r) {
  run_report out;
  out.id = r.scenario + "@" + r.checkpoint;
  out.scenario = r.scenario;
  out.checkpoint = r.checkpoint;
  out.passed = r.passed;
  out.failure = r.passed ? "" : std::string(to_string(r.kind));
  out.reason = r.reason;
  out.details = r.details;
  for (const step_record& s : r.steps) out.steps.push_back(to_public(s));
  out.reproduce = r.reproduce;
  out.run_dir = r.run_dir;
  out.duration = r.duration;
  return out;
}

std::string format_run(const run_report& r, bool colour) {
  std::string text = fmt::format("{}  {}  {}  ({})\n",
                                 r.passed ? paint(colour, "32", "PASS") : paint(colour, "31;1", "FAIL"),
                                 r.scenario, r.checkpoint, duration_text(r.duration));
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
