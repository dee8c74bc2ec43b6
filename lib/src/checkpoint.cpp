// SPDX-License-Identifier: Apache-2.0
// checkpoint.cpp: the slow path of maybe_panic_at and maybe_fail_at.
//
// Reached only when something is armed, traced or guarded (or before the
// environment was read). Decides whether this hit fires, records it in the
// trace, then carries out the action.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "config.hpp"
#include "crashpoint/crashpoint.hpp"
#include "fault_category.hpp"
#include "guards.hpp"

namespace crashpoint {
namespace detail {
namespace {

action default_action(point_kind kind) {
  return action{kind == point_kind::panic ? action_kind::abort : action_kind::error};
}

// The hit's number and the rule that fires on it, if any.
const hit_rule* find_rule(config& cfg, std::string_view name, std::uint64_t& hit) {
  if (thread_has_guards()) return guarded_rule(name, hit);
  armed_point* point = cfg.armed.find(name);
  if (point == nullptr) return nullptr;
  hit = point->hits.fetch_add(1, std::memory_order_relaxed) + 1;
  return match_rule(point->rules, hit);
}

// A panic point cannot return an error: say so once per name, don't fire.
void report_misconfigured(const config& cfg, std::string_view name) {
  static std::mutex mutex;
  static std::set<std::string, std::less<>> reported;
  const std::lock_guard<std::mutex> lock(mutex);
  if (!reported.emplace(name).second) return;
  const std::string msg = cfg.env_var + ": checkpoint `" + std::string(name) +
                          "` is a panic point (maybe_panic_at); action `error` applies only "
                          "to fail points (maybe_fail_at), so it does not fire\n";
  write_all(STDERR_FILENO, msg);
}

// Whether this hit of `name` fires, and how. Records the hit in the trace.
std::optional<action> evaluate(point_kind kind, std::string_view name) {
  config& cfg = get_config();
  std::uint64_t hit = 0;
  const hit_rule* rule = find_rule(cfg, name, hit);
  if (rule == nullptr && !cfg.trace.enabled()) return std::nullopt;
  if (hit == 0) hit = cfg.trace.next_hit(name);

  std::optional<action> act;
  std::string outcome = "pass";
  if (rule != nullptr) act = rule->act.value_or(default_action(kind));
  if (act && kind == point_kind::panic && act->kind == action_kind::error) {
    report_misconfigured(cfg, name);
    act.reset();
    outcome = "misconfigured";
  }
  if (cfg.trace.enabled()) cfg.trace.record(kind, hit, act ? to_string(*act) : outcome, name);
  return act;
}

[[noreturn]] void crash(const config& cfg, std::string_view name, const action& act) {
  std::string line = cfg.env_var + ": crashing at checkpoint `" + std::string(name) + "` (intentional)\n";
  write_all(STDERR_FILENO, line);  // one write(2): the line survives whatever follows
  switch (act.kind) {
    case action_kind::kill: ::kill(::getpid(), SIGKILL); break;
    case action_kind::exit: ::_exit(act.exit_code);
    case action_kind::throw_: line.pop_back(); throw injected_crash(std::string(name), std::move(line));
    default: break;
  }
  std::abort();
}

void pause_for(const action& act) { std::this_thread::sleep_for(std::chrono::milliseconds(act.sleep_ms)); }

// While only the variable arms names, nearly every call is for another name:
// the Bloom filter answers those without a call or a stack frame.
bool surely_passes(std::string_view name) noexcept {
  return g_mode.load(std::memory_order_acquire) == mode_env_only && !g_config->armed.may_contain(name);
}

// The rest of panic_slow, kept out of line so that its stack frame is not
// set up for the calls surely_passes() answers.
[[gnu::noinline]] void panic_evaluated(std::string_view name) {
  const std::optional<action> act = evaluate(point_kind::panic, name);
  if (!act) return;
  if (act->kind == action_kind::sleep) return pause_for(*act);
  crash(get_config(), name, *act);
}

[[gnu::noinline]] std::error_code fail_evaluated(std::string_view name) {
  const std::optional<action> act = evaluate(point_kind::fail, name);
  if (!act) return {};
  if (act->kind == action_kind::sleep) {
    pause_for(*act);
    return {};
  }
  if (act->kind == action_kind::error) return make_injected_error(name);
  crash(get_config(), name, *act);
}

}  // namespace

void panic_slow(std::string_view name) {
  if (surely_passes(name)) return;
  panic_evaluated(name);
}

std::error_code fail_slow(std::string_view name) {
  // std::error_code{} calls std::system_category() in libstdc++.so each time.
  static const std::error_category& no_error = std::system_category();
  if (surely_passes(name)) return std::error_code(0, no_error);
  return fail_evaluated(name);
}

}  // namespace detail

bool set_env_var(std::string_view name) { return detail::rename_env_var(name); }

std::string env_var() { return detail::get_config().env_var; }

}  // namespace crashpoint
