// console_report.cpp: one line per run, details for failures, a summary.
#include "console_report.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fmt/format.h>

#include "public_types.hpp"

namespace crashpoint::harness {

console_report::console_report(std::FILE* out)
    : out_(out), colour_(::isatty(::fileno(out)) != 0 && std::getenv("NO_COLOR") == nullptr) {}

std::string console_report::paint(const char* colour, std::string_view text) const {
  return colour_ ? fmt::format("\033[{}m{}\033[0m", colour, text) : std::string(text);
}

void console_report::result(const run_result& r) {
  std::fputs(format_run(to_public(r), colour_).c_str(), out_);
  std::fflush(out_);
}

void console_report::summary(std::size_t passed, std::size_t failed, bool interrupted) {
  if (interrupted) std::fputs(paint("33", "interrupted: partial results\n").c_str(), out_);
  std::fprintf(out_, "%zu passed, %zu failed\n", passed, failed);
  std::fflush(out_);
}

}  // namespace crashpoint::harness
