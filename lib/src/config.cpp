// SPDX-License-Identifier: Apache-2.0
// config.cpp: reads the arming variable once and keeps the fast-path mode true.
#include "config.hpp"

#include <unistd.h>

#include <cstdlib>
#include <mutex>

#include "crashpoint/crashpoint.hpp"

#ifndef CRASHPOINT_DEFAULT_ENV_VAR
#define CRASHPOINT_DEFAULT_ENV_VAR "CRASHPOINT"
#endif

namespace crashpoint::detail {

// Constant-initialised, so a checkpoint in a static constructor still works:
// it sees 0 ("unknown") and takes the slow path, which loads the config.
std::atomic<unsigned char> g_mode{0};
const config* g_config = nullptr;

namespace {

constexpr unsigned char mode_active = 2;

std::mutex g_mutex;  // guards everything below, and the mode's transitions
bool g_loaded = false;
int g_guards = 0;  // scoped_points alive in any thread

std::string& pending_env_var() {
  static std::string name = CRASHPOINT_DEFAULT_ENV_VAR;
  return name;
}

std::string env_or_empty(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? value : "";
}

void report_invalid(const config& cfg, const arming_list& list) {
  for (const arming_error& e : list.errors) {
    std::string msg = cfg.env_var + ": ignoring invalid entry `" + e.entry + "`: " + e.problem + "\n";
    write_all(STDERR_FILENO, msg);
  }
}

void store_mode(const config& cfg) {
  unsigned char mode = mode_active;
  if (!cfg.trace.enabled() && g_guards == 0) mode = cfg.armed.empty() ? mode_idle : mode_env_only;
  g_mode.store(mode, std::memory_order_release);
}

config* load() {
  auto* cfg = new config;  // never freed: checkpoints may run during static destruction
  const std::lock_guard<std::mutex> lock(g_mutex);
  cfg->env_var = pending_env_var();
  const arming_list list = parse_arming(env_or_empty(cfg->env_var));
  report_invalid(*cfg, list);
  cfg->armed = armed_set(list.entries);
  cfg->trace.open(env_or_empty(cfg->env_var + "_TRACE"), cfg->env_var);
  g_loaded = true;
  g_config = cfg;
  store_mode(*cfg);
  return cfg;
}

}  // namespace

config& get_config() {
  static config* const cfg = load();
  return *cfg;
}

bool rename_env_var(std::string_view name) {
  const std::lock_guard<std::mutex> lock(g_mutex);
  if (g_loaded || name.empty()) return false;
  pending_env_var() = std::string(name);
  return true;
}

void guard_count_changed(int delta) {
  const config& cfg = get_config();
  const std::lock_guard<std::mutex> lock(g_mutex);
  g_guards += delta;
  store_mode(cfg);
}

}  // namespace crashpoint::detail
