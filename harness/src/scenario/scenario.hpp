// SPDX-License-Identifier: Apache-2.0
// scenario.hpp: the in-memory form of a suite file and its scenario files.
//
// Produced by load_scenarios() (scenario_loader.hpp) from TOML; consumed by the run
// expander and the runner. Every value a user wrote keeps the place it was
// written (`where`), so that later errors can still name file:line:column.
// Strings keep their `{target}`-style placeholders: they are expanded per run.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace crashpoint::harness {

namespace fs = std::filesystem;

// `checkpoints` entries with this prefix are syscall crash points
// (`sys:fsync@2`), run under crashpoint-record; the rest name checkpoints.
inline constexpr std::string_view recorder_point_prefix = "sys:";
inline bool is_syscall_point(std::string_view entry) { return entry.starts_with(recorder_point_prefix); }

struct source_location {
  fs::path file;
  std::uint32_t line = 0;  // 1-based; 0 when unknown
  std::uint32_t column = 0;
};

// A value and the place it was written.
template <typename T>
struct located {
  T value;
  source_location where;
};

// The values alone, in order.
template <typename T>
std::vector<T> values_of(const std::vector<located<T>>& items) {
  std::vector<T> out;
  out.reserve(items.size());
  for (const located<T>& item : items) out.push_back(item.value);
  return out;
}

// How a crashed process must end. A signal (SIGABRT, SIGKILL, ...), an exit
// code (101 for a Rust panic), or "any": any non-zero end.
struct end_condition {
  enum class kind { signal, exit_code, any };
  kind k = kind::signal;
  int value = 6;  // the signal number or exit code
  friend bool operator==(const end_condition&, const end_condition&) = default;
};

using env_map = std::map<std::string, std::string>;

// The [target] and [defaults] tables of crashpoint.toml.
struct suite {
  fs::path file;        // absolute path of crashpoint.toml
  fs::path dir;         // its folder: the base for relative paths
  std::string command;  // as written; resolve_target() turns it into a path
  source_location command_where;
  std::string env_var = "CRASHPOINT";
  std::string crash_message = "{env_var}: crashing at checkpoint `{checkpoint}` (intentional)";
  std::string fail_message = "{env_var}: failing at checkpoint `{checkpoint}` (intentional)";
  end_condition crash_status;  // default SIGABRT
  std::chrono::milliseconds timeout{30'000};
  env_map env;
};

// One command: argv with placeholders, and what it must do.
struct command_check {
  std::vector<std::string> argv;
  std::optional<int> exit_code;  // default 0 where a check applies
  // Each optional text check applies to the named stream.
  std::optional<std::string> stdout_contains, stdout_matches, stdout_equals;
  std::optional<std::string> stderr_contains, stderr_matches, stderr_equals;
  source_location where;
};

// A check on a file or folder inside the workdir.
struct file_check {
  std::string path;  // relative to the workdir; never escapes it
  std::optional<bool> exists;
  std::optional<std::string> equals, contains, matches;
  std::optional<std::string> equals_file;  // golden file, relative to the scenario file
  // JSON Pointer (RFC 6901) to the expected value, parsed from the TOML value.
  std::optional<std::string> json_pointer;
  std::optional<std::string> json_value;  // the expected value as JSON text
  bool unchanged = false;                 // identical to what it was just before the crash run
  source_location where;
};

// A glob count: `glob = "*.tmp", count = 0`.
struct glob_check {
  std::string pattern;  // relative to the workdir, '*' '?' '[...]' per path segment, '**' any depth
  std::uint64_t count = 0;
  source_location where;
};

// `cpp = "name"`: a C++ assertion registered under that name in the harness
// executable (crashpoint::register_assertion), looked up when the run asserts.
struct cpp_check {
  std::string name;
};

// An entry of [[assert]]: exactly one kind of check.
struct assertion {
  std::variant<command_check, file_check, glob_check, cpp_check> check;
  source_location where;

  // The check when it is of kind `Check`, else nullptr.
  template <typename Check>
  const Check* as() const {
    return std::get_if<Check>(&check);
  }
};

enum class expectation { crash, error };

// What a crash leaves on disk for recovery ([crash] model, docs/power-loss.md).
enum class crash_model {
  process,     // a process crash: every write that returned survives (the page cache)
  power_loss,  // a power cut: what was never made durable is lost
};
// Which power-loss states become runs: the one where everything unsynced is
// lost, or that one and every in-order prefix and torn last write.
enum class crash_states { clean, all };
// Damage to the last write before the crash ([crash] corrupt).
enum class write_damage { none, torn, zero, garbage };

struct crash_step {
  std::vector<std::string> argv;
  expectation expect = expectation::crash;
  std::optional<end_condition> status;  // overrides suite.crash_status
  crash_model model = crash_model::process;
  crash_states states = crash_states::clean;
  write_damage corrupt = write_damage::none;
  std::uint64_t seed = 0;  // corrupt = "garbage": the same bytes for the same seed
  source_location where;
  // Whether the crash step runs under crashpoint-record to rebuild the
  // workdir afterwards (power loss, corruption).
  bool rebuilds() const { return model == crash_model::power_loss || corrupt != write_damage::none; }
};

struct scenario {
  fs::path file;     // absolute
  std::string name;  // path relative to the suite folder, without ".toml"
  std::string description;
  // One run per entry; an entry is the exact value of the arming variable.
  std::vector<located<std::string>> checkpoints;
  // `checkpoints = "auto"`: every (checkpoint, hit) a traced run of the crash
  // command reaches is a run of its own (explore.hpp); `checkpoints` is empty.
  bool auto_checkpoints = false;
  // `syscalls = true` with "auto": every modelled file-system call of the
  // discovery run is a crash point too (`sys:write@3`).
  bool syscalls = false;
  // Recovery runs a second time and must change nothing in the workdir.
  bool idempotent = false;
  std::optional<std::chrono::milliseconds> timeout;
  env_map env;
  std::optional<std::string> fixture;  // folder copied into the workdir, relative to the file
  source_location fixture_where;
  std::vector<located<std::vector<std::string>>> setup_steps;  // argv of each
  // `[setup] template`: runs may start from a copy of the state after setup
  // instead of running it again (setup_template.hpp).
  bool template_setup = true;
  crash_step crash;
  std::vector<command_check> recover;  // empty: rerun the crash command, expect exit 0
  std::vector<assertion> asserts;
};

struct loaded_suite {
  suite target;
  std::vector<scenario> scenarios;
};

}  // namespace crashpoint::harness
