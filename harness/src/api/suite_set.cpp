// SPDX-License-Identifier: Apache-2.0
// suite_set.cpp: the public library API over loader, plan and runner.
#include <atomic>
#include <stdexcept>

#include "crashpoint/harness.hpp"
#include "session/explore_session.hpp"
#include "run/public_report.hpp"
#include "plan/run_plan.hpp"
#include "scenario/scenario_loader.hpp"
#include "run/setup_template.hpp"
#include "plan/target.hpp"
#include "workdir/workdir.hpp"
#include "run/runner.hpp"

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

harness::keep_policy keep_of(run_settings::keep k) {
  switch (k) {
    case run_settings::keep::all: return harness::keep_policy::all;
    case run_settings::keep::none: return harness::keep_policy::none;
    case run_settings::keep::failed: break;
  }
  return harness::keep_policy::failed;
}

harness::run_options options_of(const run_settings& settings) {
  return {settings.timeout, keep_of(settings.keep_dirs), nullptr};
}

void resolve(harness::run_spec& run, const run_settings& settings) {
  std::string error;
  run.target_path = harness::resolve_target(*run.target, settings.target, error);
  if (run.target_path.empty()) throw std::invalid_argument(error);
}

// A temporary root for one call, and the setup templates made in it: both
// gone when the call returns or throws (but kept run folders).
struct call_root {
  harness::temp_root root;
  harness::setup_templates templates{root};
  ~call_root() {
    templates.remove_all();
    root.remove_if_empty();
  }
};

// The crash points of `bases` (targets resolved), discovered one after the
// other, saving each scenario's state after setup in `at`'s templates.
harness::discovery discover(const std::vector<harness::run_spec>& bases, const run_settings& settings,
                            call_root& at) {
  harness::session_options opts{1, options_of(settings)};
  opts.run.templates = &at.templates;
  const std::atomic<bool> never{false};
  return harness::discover(bases, {}, at.root, opts, [](const harness::run_result&) {}, never);
}

// The discovery bases of the "auto" scenarios of `loaded` that `wanted` keeps, resolved.
template <typename Pred>
std::vector<harness::run_spec> bases_of(const harness::load_result& loaded, const run_settings& settings,
                                        Pred wanted) {
  std::vector<harness::run_spec> bases = harness::exploration_bases(loaded.suites, false);
  std::erase_if(bases, [&](const harness::run_spec& b) { return !wanted(b); });
  for (harness::run_spec& base : bases) resolve(base, settings);
  return bases;
}

}  // namespace

std::vector<std::string> suite_set::runs(const run_settings& settings) const {
  const auto bases = bases_of(impl_->loaded, settings, [](const harness::run_spec&) { return true; });
  call_root at;
  const harness::discovery found = discover(bases, settings, at);
  if (!found.failures.empty()) throw std::runtime_error(harness::to_public(found.failures.front()).text());
  std::vector<std::string> ids;
  for (const auto& r : harness::plan_runs(impl_->loaded.suites, found.points, false)) ids.push_back(r.id());
  return ids;
}

run_report suite_set::execute(std::string_view id, const run_settings& settings) const {
  for (harness::run_spec run : impl_->runs) {
    if (run.id() != id) continue;
    resolve(run, settings);
    call_root at;
    return harness::to_public(harness::execute_run(run, at.root, options_of(settings)));
  }
  // An explored crash point: its scenario is discovered first.
  const auto bases = bases_of(impl_->loaded, settings, [&](const harness::run_spec& b) {
    return id.starts_with(b.scen->name + "@");
  });
  call_root at;
  const harness::discovery found = discover(bases, settings, at);
  if (!found.failures.empty()) return harness::to_public(found.failures.front());
  for (const auto& [scen, points] : found.points) {
    for (const harness::run_spec& run : points) {
      if (run.id() == id) return harness::to_public(harness::execute_run(run, at.root, options_of(settings)));
    }
  }
  throw std::invalid_argument("no run `" + std::string(id) + "` in these scenario files");
}

}  // namespace crashpoint
