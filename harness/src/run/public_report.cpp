// SPDX-License-Identifier: Apache-2.0
#include "run/public_report.hpp"

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
  out.passed = r.passed();
  out.failure = r.passed() ? "" : std::string(to_string(r.kind));
  out.reason = r.reason;
  out.details = r.details;
  out.call = r.point_call;
  out.warnings = r.warnings;
  out.crash_state = r.crash_state;
  out.lost = r.lost;
  for (const step_record& s : r.steps) out.steps.push_back(to_public(s));
  out.reproduce = r.reproduce;
  out.run_dir = r.run_dir;
  out.duration = r.duration;
  return out;
}

}  // namespace crashpoint::harness
