// console_report.cpp: one line per run, details for failures, a summary.
#include "console_report.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fmt/format.h>
#include <sstream>

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

console_report::console_report(std::FILE* out)
    : out_(out), colour_(::isatty(::fileno(out)) != 0 && std::getenv("NO_COLOR") == nullptr) {}

std::string console_report::paint(const char* colour, std::string_view text) const {
  return colour_ ? fmt::format("\033[{}m{}\033[0m", colour, text) : std::string(text);
}

void console_report::result(const run_result& r) {
  std::string text = fmt::format("{}  {}  {}  ({})\n", r.passed ? paint("32", "PASS") : paint("31;1", "FAIL"),
                                 r.scenario, r.checkpoint, duration_text(r.duration));
  if (!r.passed) {
    text += indent(fmt::format("{}: {}", to_string(r.kind), r.reason), "      ");
    for (const auto& d : r.details) text += indent(d, "      ");
  }
  if (!r.run_dir.empty()) text += fmt::format("      kept: {}\n", r.run_dir.string());
  if (!r.passed && !r.reproduce.empty()) {
    text += "      reproduce:\n" + indent(r.reproduce, "        ");
  }
  std::fputs(text.c_str(), out_);
  std::fflush(out_);
}

void console_report::summary(std::size_t passed, std::size_t failed, bool interrupted) {
  if (interrupted) std::fputs(paint("33", "interrupted: partial results\n").c_str(), out_);
  std::fprintf(out_, "%zu passed, %zu failed\n", passed, failed);
  std::fflush(out_);
}

}  // namespace crashpoint::harness
