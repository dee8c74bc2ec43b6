// suite_set.cpp: the public library API over loader, plan and runner.
#include <stdexcept>

#include "cli.hpp"
#include "crashpoint/harness.hpp"
#include "public_types.hpp"
#include "run_plan.hpp"
#include "scenario_loader.hpp"
#include "target.hpp"
#include "workdir.hpp"

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
  state->runs = harness::expand_runs(state->loaded.suites, {});
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

}  // namespace

run_report suite_set::execute(std::string_view id, const run_settings& settings) const {
  for (harness::run_spec run : impl_->runs) {
    if (run.id() != id) continue;
    std::string error;
    run.target_path = harness::resolve_target(*run.target, settings.target, error);
    if (run.target_path.empty()) throw std::invalid_argument(error);
    const harness::temp_root root;
    harness::run_options opts{settings.timeout, keep_of(settings.keep_dirs), nullptr};
    run_report report = harness::to_public(harness::execute_run(run, root, opts));
    root.remove_if_empty();
    return report;
  }
  throw std::invalid_argument("no run `" + std::string(id) + "` in these scenario files");
}

int harness_main(int argc, char** argv) { return harness::run_cli(argc, argv); }

}  // namespace crashpoint
