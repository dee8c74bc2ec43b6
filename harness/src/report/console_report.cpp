// SPDX-License-Identifier: Apache-2.0
// console_report.cpp: one block per run, the failures and a summary at the end.
#include "report/console_report.hpp"

#include <stdio_ext.h>

#include <algorithm>
#include <cerrno>
#include <fmt/format.h>

#include "report/run_text.hpp"
#include "run/public_report.hpp"
#include "util/terminal.hpp"

namespace crashpoint::harness {
namespace {

const char* const clear_line = "\r\033[K";

}  // namespace

console_report::console_report(std::FILE* out, console_style style, std::function<void()> on_closed)
    : out_(out), style_(std::move(style)), on_closed_(std::move(on_closed)) {}

std::string console_report::paint(const char* colour, std::string_view text) const {
  return painted(style_.colour, colour, text);
}

// Writes `text` (after clearing a counter line left on screen); a transient
// text stays on screen only until the next. Called with mutex_ held.
void console_report::emit(std::string text, bool transient) {
  if (closed_) return;
  if (counter_shown_) text.insert(0, clear_line);
  counter_shown_ = transient;
  errno = 0;
  if (std::fputs(text.c_str(), out_) >= 0 && std::fflush(out_) == 0) return;
  if (errno != EPIPE) return;  // a full disk, say: the reports still hold everything
  closed_ = true;
  ::__fpurge(out_);  // else exit() would try the write again
  if (on_closed_) on_closed_();
}

void console_report::planned(std::size_t more) {
  const std::lock_guard<std::mutex> lock(mutex_);
  known_ += more;
}

void console_report::result(const run_result& r) {
  const std::lock_guard<std::mutex> lock(mutex_);
  ++done_;
  known_ = std::max(known_, done_);  // a failed discovery is a result no plan counted
  const std::string counter = style_.progress ? fmt::format("[{}/{}]", done_, known_) : "";
  if (style_.quiet && r.passed()) {
    if (style_.progress) emit(counter, true);
    return;
  }
  emit((counter.empty() ? "" : counter + " ") + format_run(to_public(r), style_.colour));
}

void console_report::text(const std::string& text) {
  const std::lock_guard<std::mutex> lock(mutex_);
  emit(text);
}

std::string console_report::failure_list(const std::vector<run_result>& results) const {
  std::string out;
  for (const run_result& r : results) {
    if (r.passed() || !style_.rerun) continue;
    out += fmt::format("  {}@{}\n    {}\n", r.scenario, r.checkpoint, style_.rerun(r));
  }
  return out.empty() ? out : "failed runs, each with the command that reruns it alone:\n" + out;
}

void console_report::summary(const std::vector<run_result>& results, bool interrupted) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto failed = static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [](const run_result& r) { return !r.passed(); }));
  std::string text = failure_list(results);
  if (interrupted) text += paint("33", "interrupted: partial results\n");
  emit(text + fmt::format("{} passed, {} failed\n", results.size() - failed, failed));
}

}  // namespace crashpoint::harness
