// console_report.cpp: one line per run, details for failures, a summary.
#include "console_report.hpp"

#include <stdio_ext.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fmt/format.h>

#include "public_types.hpp"

namespace crashpoint::harness {

console_report::console_report(std::FILE* out, std::function<void()> on_closed)
    : out_(out),
      colour_(::isatty(::fileno(out)) != 0 && std::getenv("NO_COLOR") == nullptr),
      on_closed_(std::move(on_closed)) {}

std::string console_report::paint(const char* colour, std::string_view text) const {
  return colour_ ? fmt::format("\033[{}m{}\033[0m", colour, text) : std::string(text);
}

void console_report::emit(const std::string& text) {
  if (closed_) return;
  errno = 0;
  if (std::fputs(text.c_str(), out_) >= 0 && std::fflush(out_) == 0) return;
  if (errno != EPIPE) return;  // a full disk, say: the reports still hold everything
  closed_ = true;
  ::__fpurge(out_);  // else exit() would try the write again
  if (on_closed_) on_closed_();
}

void console_report::result(const run_result& r) { emit(format_run(to_public(r), colour_)); }

void console_report::text(const std::string& text) { emit(text); }

void console_report::summary(std::size_t passed, std::size_t failed, bool interrupted) {
  std::string text = interrupted ? paint("33", "interrupted: partial results\n") : "";
  emit(text + fmt::format("{} passed, {} failed\n", passed, failed));
}

}  // namespace crashpoint::harness
