// SPDX-License-Identifier: Apache-2.0
// setup_template.cpp: saving and copying a scenario's state after setup
// (see setup_template.hpp).
#include "run/setup_template.hpp"

#include <algorithm>
#include <array>

namespace crashpoint::harness {
namespace {

// The placeholders whose value differs between the runs of one scenario.
bool varies_per_run(const std::string& text) {
  return text.find("{workdir}") != std::string::npos || text.find("{checkpoint}") != std::string::npos;
}

bool any_varies(const env_map& env) {
  return std::any_of(env.begin(), env.end(), [](const auto& kv) { return varies_per_run(kv.second); });
}

// The folders a command is given, as a run folder's member.
constexpr std::array<fs::path run_dirs::*, 3> state_folders{&run_dirs::work, &run_dirs::home, &run_dirs::tmp};

}  // namespace

bool template_allowed(const scenario& sc, const suite& s) {
  if (!sc.template_setup || (!sc.fixture && sc.setup_steps.empty())) return false;
  for (const auto& step : sc.setup_steps) {
    if (std::any_of(step.value.begin(), step.value.end(), varies_per_run)) return false;
  }
  return !any_varies(s.env) && !any_varies(sc.env);
}

shared_setup::shared_setup(std::shared_ptr<const setup_template> ready)
    : claimed_(true), ready_(std::move(ready)) {}

std::shared_ptr<const setup_template> shared_setup::get_or_claim(bool& claimed) {
  const std::lock_guard<std::mutex> lock(mutex_);
  claimed = !claimed_;
  claimed_ = true;
  return ready_;
}

void shared_setup::provide(std::shared_ptr<const setup_template> made) {
  const std::lock_guard<std::mutex> lock(mutex_);
  ready_ = std::move(made);
}

std::shared_ptr<const setup_template> setup_templates::save(const run_dirs& from, std::size_t index,
                                                            const std::string& scenario,
                                                            std::vector<setup_template::step> steps) {
  auto t = std::make_shared<setup_template>();
  t->steps = std::move(steps);
  try {
    t->dirs = root_.make_run_dirs(index, scenario + "@template");
  } catch (const std::exception&) {
    return nullptr;  // the runs do their own setup
  }
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    folders_.push_back(t->dirs.dir);
  }
  std::string error;
  for (const auto folder : state_folders) {
    if (!root_.copy_folder(from.*folder, t->dirs.*folder, error)) return nullptr;
  }
  return t;
}

void setup_templates::remove_all() {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const fs::path& folder : folders_) root_.recycle(folder);
  folders_.clear();
}

bool copy_template(const temp_root& root, const setup_template& t, const run_dirs& to, std::string& error) {
  for (const auto folder : state_folders) {
    if (!root.copy_folder(t.dirs.*folder, to.*folder, error)) {
      error = "copying " + (t.dirs.*folder).string() + " into " + (to.*folder).string() + ": " + error;
      return false;
    }
  }
  return true;
}

}  // namespace crashpoint::harness
