// SPDX-License-Identifier: Apache-2.0
// run_options.hpp: how a run executes, the same for every run of a session:
// the timeout override, what to keep, the session's stop flag, and what
// starts its commands.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>

#include "scenario/scenario.hpp"

#include "run/command_launcher.hpp"

namespace crashpoint::harness {

class setup_templates;  // setup_template.hpp

enum class keep_policy { failed, all, none };

struct run_options {
  std::optional<std::chrono::milliseconds> timeout;  // overrides every file's timeout
  keep_policy keep = keep_policy::failed;
  // Set when the session is interrupted: no further command starts, and the
  // run's directory is removed whatever `keep` says (its verdict means nothing).
  const std::atomic<bool>* stop = nullptr;
  // Trace the recovery commands too (only the trace variable is added), to
  // discover the checkpoints recovery reaches (explore --double).
  bool trace_recovery = false;
  // Discovery runs the crash command under crashpoint-record too, and every
  // modelled file-system call becomes a crash point (`--syscalls`).
  bool discover_syscalls = false;
  // --crash-states: overrides every power-loss scenario's crash_states.
  std::optional<crash_states> states_override;
  // --max-states: crash states per crash point, the default one included.
  std::size_t max_states = 1000;
  // Where a run that is first to set up for its scenario's shared_setup
  // (run_spec::setup) saves the template; null: no template is made.
  setup_templates* templates = nullptr;
  // Starts every command of the run: real processes, or a test's fake.
  command_launcher* launcher = &process_launcher();
};

}  // namespace crashpoint::harness
