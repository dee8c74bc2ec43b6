// SPDX-License-Identifier: Apache-2.0
// crash_check.cpp: predicts how an armed run must end and judges how it did.
#include "run/crash_check.hpp"

#include <sstream>

#include "crashpoint/arming.hpp"
#include "scenario/placeholders.hpp"

namespace crashpoint::harness {
namespace {

// How the checkpoint library ends a process for `act`; nullopt when the
// action does not end it (sleep, error) or the end is the suite's to say (throw).
std::optional<end_condition> end_of_action(const action& act) {
  switch (act.kind) {
    case action_kind::abort: return end_condition{end_condition::kind::signal, 6};
    case action_kind::kill: return end_condition{end_condition::kind::signal, 9};
    case action_kind::exit: return end_condition{end_condition::kind::exit_code, act.exit_code};
    default: return std::nullopt;
  }
}

std::vector<std::string> split_names(const std::string& entry) {
  std::vector<std::string> names;
  std::istringstream in(entry);
  for (std::string part; std::getline(in, part, ',');) {
    const auto b = part.find_first_not_of(" \t");
    const auto e = part.find_last_not_of(" \t");
    if (b != std::string::npos) names.push_back(part.substr(b, e - b + 1));
  }
  return names;
}

void add_end(std::vector<end_condition>& ends, const end_condition& end) {
  for (const auto& e : ends) {
    if (e == end) return;
  }
  ends.push_back(end);
}

}  // namespace

expected_crash predict_crash(const suite& s, const crash_step& crash, const std::string& entry) {
  expected_crash out;
  out.expect = crash.expect;
  const arming_list list = parse_arming(entry);
  const bool ours = list.errors.empty() && !list.entries.empty();
  out.names = ours ? std::vector<std::string>{} : split_names(entry);
  for (const arming_entry& e : list.entries) {
    if (!ours) break;
    out.names.push_back(e.name);
    const auto end = e.act ? end_of_action(*e.act) : std::nullopt;
    if (e.act && e.act->kind == action_kind::sleep) continue;
    add_end(out.ends, end.value_or(crash.status.value_or(s.crash_status)));
  }
  if (crash.status || out.ends.empty()) out.ends = {crash.status.value_or(s.crash_status)};
  // A fail point's command exits non-zero; only a [crash] status narrows that.
  if (crash.expect == expectation::error) {
    out.ends = crash.status ? std::vector<end_condition>{*crash.status} : std::vector<end_condition>{};
  }
  const std::string& pattern = crash.expect == expectation::error ? s.fail_message : s.crash_message;
  for (const std::string& name : out.names) {
    out.messages.push_back(expand(pattern, {{"env_var", s.env_var}, {"checkpoint", name}}));
  }
  return out;
}

std::string describe(const end_condition& end) {
  switch (end.k) {
    case end_condition::kind::signal: return "signal " + signal_name(end.value);
    case end_condition::kind::exit_code: return "exit " + std::to_string(end.value);
    case end_condition::kind::any: return "any non-zero end";
  }
  return "?";
}

bool end_matches(const end_condition& end, const exit_status& status) {
  using k = exit_status::kind;
  switch (end.k) {
    case end_condition::kind::signal: return status.k == k::signaled && status.signal == end.value;
    case end_condition::kind::exit_code: return status.k == k::exited && status.code == end.value;
    case end_condition::kind::any:
      return status.k == k::signaled || (status.k == k::exited && status.code != 0);
  }
  return false;
}

namespace {

std::string ends_text(const expected_crash& e) {
  std::string out;
  for (const auto& end : e.ends) out += (out.empty() ? "" : " or ") + describe(end);
  if (e.expect == expectation::error && e.ends.empty()) return "a non-zero exit (not a signal)";
  return out;
}

bool ends_ok(const expected_crash& e, const exit_status& status) {
  if (e.expect == expectation::error) {
    const bool exited_non_zero = status.k == exit_status::kind::exited && status.code != 0;
    if (!exited_non_zero || e.ends.empty()) return exited_non_zero;
  }
  for (const auto& end : e.ends) {
    if (end_matches(end, status)) return true;
  }
  return false;
}

crash_verdict fail(crash_outcome outcome, std::string detail) { return {outcome, {}, std::move(detail)}; }

}  // namespace

trace_wants trace_wants_for(const expected_crash& expected) {
  trace_wants wants;
  wants.max_points = 0;
  wants.fired_of = expected.names;
  return wants;
}

crash_verdict judge_crash(const expected_crash& expected, const command_result& result,
                          const trace_summary& trace) {
  const exit_status& st = result.status;
  if (st.k == exit_status::kind::not_started) return fail(crash_outcome::not_started, st.describe());
  if (st.k == exit_status::kind::timed_out) return fail(crash_outcome::timed_out, st.describe());
  if (!trace.problem.empty()) {
    return fail(crash_outcome::crashed_elsewhere, trace.problem + ": the crash cannot be confirmed");
  }

  std::string fired;
  for (std::size_t i = 0; i < expected.names.size() && fired.empty(); ++i) {
    if (result.err.text.find(expected.messages[i]) != std::string::npos) fired = expected.names[i];
  }
  const std::string want = "expected " + ends_text(expected) + " with the message `" +
                           (expected.messages.empty() ? "" : expected.messages.front()) + "`";
  if (fired.empty()) {
    if (st.k == exit_status::kind::exited && st.code == 0) {
      return fail(crash_outcome::not_reached, "the command exited 0 without reaching the armed checkpoint (" +
                                                  want + "): is the scenario stale, or the command wrong?");
    }
    return fail(crash_outcome::crashed_elsewhere,
                want + ", but it ended with " + st.describe() + " and no such message");
  }
  if (!ends_ok(expected, st)) {
    return fail(crash_outcome::wrong_end,
                "`" + fired + "` fired, " + want + ", but it ended with " + st.describe());
  }
  if (trace.written && !trace.fired_any_of(expected.names)) {
    return fail(crash_outcome::crashed_elsewhere,
                "the message is on stderr, but the trace shows no armed checkpoint firing");
  }
  return {crash_outcome::confirmed, fired, {}};
}

}  // namespace crashpoint::harness
