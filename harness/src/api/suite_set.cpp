// SPDX-License-Identifier: Apache-2.0
// suite_set.cpp: the public library API over the loader and the session.
#include <algorithm>
#include <atomic>
#include <stdexcept>

#include "crashpoint/harness.hpp"
#include "plan/run_plan.hpp"
#include "run/public_report.hpp"
#include "scenario/scenario_loader.hpp"
#include "session/session.hpp"

namespace crashpoint {

struct suite_set::impl {
  harness::load_result loaded;
  std::vector<harness::run_spec> runs;  // point into `loaded`, which never moves
};

suite_set suite_set::load(const std::vector<std::filesystem::path>& paths) {
  auto state = std::make_shared<impl>();
  state->loaded = harness::load_scenarios(paths);
  if (!state->loaded.errors.empty()) {
    std::string text;
    for (const auto& d : state->loaded.errors) text += harness::format_diagnostic(d) + "\n";
    throw load_error(text);
  }
  state->runs = harness::expand_runs(state->loaded.suites);
  suite_set out;
  out.impl_ = std::move(state);
  return out;
}

std::vector<std::string> suite_set::runs() const {
  std::vector<std::string> ids;
  for (const auto& r : impl_->runs) ids.push_back(r.id());
  return ids;
}

namespace {

// A library installs no signal handler: its sessions are never stopped.
const std::atomic<bool> never_stopped{false};

harness::keep_policy keep_of(run_settings::keep k) {
  switch (k) {
    case run_settings::keep::all: return harness::keep_policy::all;
    case run_settings::keep::none: return harness::keep_policy::none;
    case run_settings::keep::failed: break;
  }
  return harness::keep_policy::failed;
}

harness::session_request request_of(const run_settings& settings) {
  harness::session_request r;
  r.target = settings.target;
  r.run.timeout = settings.timeout;
  r.run.keep = keep_of(settings.keep_dirs);
  r.jobs = std::max(1u, settings.jobs);
  r.share_setups = true;
  return r;
}

// The discovery runs' targets; throws std::invalid_argument for one that
// cannot be found.
void prepare(harness::session& s) {
  if (const auto error = s.prepare()) throw std::invalid_argument(error->message);
}

// The plan of a session whose discovery is done, targets resolved. Throws
// std::runtime_error when two runs share an id, std::invalid_argument for a
// target that cannot be found.
void plan(harness::session& s) {
  const std::vector<std::string> errors = s.plan();
  if (!errors.empty()) throw std::runtime_error(errors.front());
  if (const auto error = s.resolve_targets()) throw std::invalid_argument(error->message);
}

const auto ignore = [](const harness::run_result&) {};

}  // namespace

std::vector<std::string> suite_set::runs(const run_settings& settings) const {
  harness::session_request request = request_of(settings);
  request.share_setups = false;  // nothing executes after discovery
  harness::session s(impl_->loaded.suites, std::move(request), never_stopped);
  prepare(s);
  s.discover(ignore);
  if (!s.failed_discoveries().empty()) {
    throw std::runtime_error(harness::to_public(s.failed_discoveries().front()).text());
  }
  const std::vector<std::string> errors = s.plan();
  if (!errors.empty()) throw std::runtime_error(errors.front());
  std::vector<std::string> ids;
  for (const auto& r : s.runs()) ids.push_back(r.id());
  return ids;
}

run_report suite_set::execute(std::string_view id, const run_settings& settings) const {
  const std::string unknown = "no run `" + std::string(id) + "` in these scenario files";
  // Every id is SCENARIO@...: one that starts with no scenario's name is
  // unknown without discovering anything.
  bool named = false;
  for (const auto& s : impl_->loaded.suites) {
    for (const auto& scen : s.scenarios) named = named || id.starts_with(scen.name + "@");
  }
  if (!named) throw std::invalid_argument(unknown);
  harness::session_request request = request_of(settings);
  request.only = {std::string(id)};
  // An explored crash point: its scenario is discovered first.
  harness::session s(impl_->loaded.suites, std::move(request), never_stopped);
  prepare(s);
  s.discover(ignore);
  if (!s.failed_discoveries().empty()) return harness::to_public(s.failed_discoveries().front());
  if (!s.plan().empty() || s.runs().empty()) throw std::invalid_argument(unknown);
  if (const auto error = s.resolve_targets()) throw std::invalid_argument(error->message);
  const auto& finished = s.execute(ignore);
  if (finished.empty()) throw std::logic_error("the run `" + std::string(id) + "` did not execute");
  return harness::to_public(finished.front().result);
}

std::vector<run_report> suite_set::execute_all(const run_settings& settings) const {
  harness::session s(impl_->loaded.suites, request_of(settings), never_stopped);
  prepare(s);
  s.discover(ignore);
  plan(s);
  std::vector<run_report> out;
  for (const harness::run_result& r : s.failed_discoveries()) out.push_back(harness::to_public(r));
  for (const harness::finished_run& f : s.execute(ignore)) out.push_back(harness::to_public(f.result));
  return out;
}

}  // namespace crashpoint
