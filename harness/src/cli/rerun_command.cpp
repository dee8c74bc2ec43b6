// SPDX-License-Identifier: Apache-2.0
// rerun_command.cpp: `crashpoint run --only 'ID' PATHS...` (see rerun_command.hpp).
#include "cli/rerun_command.hpp"

#include <algorithm>

#include "process/clean_env.hpp"
#include "util/text.hpp"

namespace crashpoint::harness {
namespace {

std::string single_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void add(std::string& line, const std::string& option, const std::string& value) {
  line += " " + option + " " + shell_quote(value);
}

}  // namespace

std::string rerun_command(const cli_options& o, const run_result& r) {
  std::string line = shell_quote(o.program) + (o.explore_all ? " explore" : " run");
  if (r.kind == failure_kind::discovery_failed) {
    line += " --filter " + single_quoted(r.scenario + "@*");
  } else if (const auto hash = r.checkpoint.rfind('#'); hash != std::string::npos && !r.crash_state.empty()) {
    // A power-loss state run (POINT#K) is planned by its point's first run:
    // rerun the point with every state.
    line +=
        " --only " + single_quoted(r.scenario + "@" + r.checkpoint.substr(0, hash)) + " --crash-states all";
  } else {
    line += " --only " + single_quoted(r.scenario + "@" + r.checkpoint);
  }
  if (!o.target.empty()) add(line, "--target", o.target);
  if (!o.timeout_text.empty()) add(line, "--timeout", o.timeout_text);
  if (o.explore.max_hits > 0) add(line, "--max-hits", std::to_string(o.explore.max_hits));
  for (const std::string& glob : o.explore.include) add(line, "--include", glob);
  for (const std::string& glob : o.explore.exclude) add(line, "--exclude", glob);
  if (o.explore.double_crash) line += " --double";
  if (o.explore.syscalls) line += " --syscalls";
  if (o.crash_states_text == "all" && r.crash_state.empty()) line += " --crash-states all";
  if (o.max_states != 1000) add(line, "--max-states", std::to_string(o.max_states));
  const auto dashed = [](const std::string& path) { return path.starts_with("-"); };
  if (std::any_of(o.paths.begin(), o.paths.end(), dashed)) line += " --";  // not an option
  for (const std::string& path : o.paths) line += " " + shell_quote(path);
  return line;
}

}  // namespace crashpoint::harness
