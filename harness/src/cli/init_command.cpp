// SPDX-License-Identifier: Apache-2.0
// init_command.cpp: the starter files of `crashpoint init` (see init_command.hpp).
#include "cli/init_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <utility>
#include <vector>

#include "process/clean_env.hpp"
#include "cli/exit_codes.hpp"
#include "util/text.hpp"

namespace crashpoint::harness {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view suite_template =
    R"toml(# crashpoint.toml: the suite file, written by `crashpoint init`.
#
# It names the program under test. Every other *.toml file in this folder or
# below it is a scenario, run against that program:
#   crashpoint validate @DIR@    check every file, run nothing
#   crashpoint list @DIR@        the runs, one SCENARIO@CHECKPOINT per line
#   crashpoint run @DIR@         crash, recover and check each run
# Optional keys are commented out, with their default values: remove the `#`
# to change one. Every key is described in crashpoint's docs/scenario-format.md.

[target]
# The program under test, `{target}` in scenarios. A path with a '/' is
# relative to this file's folder; a bare name is looked up on PATH.
# `crashpoint run --target PATH` overrides it (when build folders differ).
command = @COMMAND@

# How the target crashes on purpose. The defaults are those of crashpoint's
# checkpoint library; a target that speaks another protocol (its own variable,
# a Rust panic's exit code 101, ...) sets them.
# env_var = "CRASHPOINT"       # the variable that arms a checkpoint
# crash_message = "{env_var}: crashing at checkpoint `{checkpoint}` (intentional)"
# fail_message = "{env_var}: failing at checkpoint `{checkpoint}` (intentional)"
# crash_status = "SIGABRT"     # a signal name, an exit code 1..255, or "any"

# [defaults]
# timeout = "30s"              # the limit of every command; a scenario may set its own
# env = { LANG = "C" }         # variables for every command of every scenario
)toml";

constexpr std::string_view scenario_template =
    R"toml(# @NAME@.toml: a crashpoint scenario, written by `crashpoint init`.
#
# For each entry of `checkpoints`, `crashpoint run` makes one run:
#   1. a fresh, empty working directory (the workdir), where every command runs;
#   2. the [setup] steps, which prepare the state that the crash interrupts;
#   3. the [crash] command, with the checkpoint armed: it must crash there;
#   4. the [[recover]] steps, in new processes, with nothing armed;
#   5. the [[assert]] checks on the state left in the workdir.
# `{target}` is the program that crashpoint.toml names. Optional parts are
# commented out: remove the `#` to use one. Every key is described in
# crashpoint's docs/scenario-format.md.

description = @DESCRIPTION@

# One run per entry. An entry is the exact value of the arming variable, so
# "@NAME@@2" crashes at the second hit and "@NAME@=kill" by SIGKILL.
checkpoints = [@QUOTED@]

# timeout = "10s"      # per command; default: [defaults] timeout in crashpoint.toml

# [env]                # variables for every command of this scenario
# LANG = "C"

# [setup]
# fixture = "fixtures/empty"    # a folder, relative to this file, copied into the workdir first
# steps = [                     # commands run in order in the workdir; each must exit 0
#   ["{target}", "init"],
#   ["{target}", "put", "key", "old value"],
# ]

[crash]
# TODO: the arguments that make the target reach @NAME@, such as
# ["{target}", "put", "key", "new value"].
command = ["{target}"]
# expect = "error"     # a fail point (maybe_fail_at): exit non-zero with the fail message
# status = "SIGKILL"   # how the crash must end, if not as crashpoint.toml's crash_status says

# Recovery: each [[recover]] step runs in a new process, with nothing armed.
# Without any [[recover]], the crash command runs again and must exit 0.
# [[recover]]
# command = ["{target}", "get", "key"]
# exit_code = 0                             # the default
# stdout_matches = '^(old|new) value\n$'    # also stdout_contains, stdout_equals, stderr_...

# Assertions on the state after recovery. Each holds one of `command`, `file`,
# `glob` (or `cpp`); every one is checked, and all failures are listed.
# [[assert]]
# command = ["{target}", "check"]           # your own check; it gets CRASHPOINT_STATE and friends
# stdout_contains = "ok"
#
# [[assert]]
# file = "data/store"                       # a path in the workdir
# exists = true                             # also equals, contains, matches, equals_file, json, unchanged
#
# [[assert]]
# glob = "**/*.tmp"                         # no temporary file is left behind
# count = 0
)toml";

// `text` with each @MARKER@ of `values` replaced, in one pass: a value is
// never searched for markers itself.
std::string fill(std::string_view text, const std::vector<std::pair<std::string_view, std::string>>& values) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto marker = std::find_if(values.begin(), values.end(),
                                     [&](const auto& v) { return text.substr(i).starts_with(v.first); });
    if (marker == values.end()) {
      out += text[i++];
    } else {
      out += marker->second;
      i += marker->first.size();
    }
  }
  return out;
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

// Why `name` cannot name the scenario file NAME.toml, or "".
std::string checkpoint_problem(const std::string& name) {
  if (name.empty()) return "--checkpoint: expected the name of a checkpoint in the target, got nothing";
  if (name.find('/') != std::string::npos || has_control(name) || name.front() == '.') {
    return "--checkpoint " + toml_quote(name) +
           ": it names the scenario file NAME.toml, so it cannot hold '/' or control characters, "
           "nor start with '.'";
  }
  if (name == "crashpoint") return "--checkpoint crashpoint: crashpoint.toml is the suite file";
  return "";
}

// Creates `file` holding `text`; fails rather than replace an existing file.
bool create_new_file(const fs::path& file, const std::string& text, std::string& error) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (!ok) error = "cannot create " + file.string() + ": " + std::strerror(errno);
  if (fd >= 0) ok = (::close(fd) == 0) && ok;
  if (!ok && fd >= 0) ::unlink(file.c_str());
  return ok;
}

using file_list = std::vector<std::pair<fs::path, std::string>>;

// Names every file of `files` that exists already; true when none does.
bool none_exists(const file_list& files) {
  bool none = true;
  for (const auto& [file, text] : files) {
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(file, ec))) continue;
    fmt::print(stderr, "crashpoint: {} already exists; init never overwrites a file\n", file.string());
    none = false;
  }
  return none;
}

// Writes every file, or none: a failure removes those already written.
bool write_all(const fs::path& dir, const file_list& files, std::string& error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    error = "cannot create the folder " + dir.string() + ": " + ec.message();
    return false;
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (create_new_file(files[i].first, files[i].second, error)) continue;
    for (std::size_t k = 0; k < i; ++k) fs::remove(files[k].first, ec);
    return false;
  }
  return true;
}

void print_next_steps(const init_options& o, const file_list& files) {
  fmt::print("wrote {}\nwrote {}\n", files[0].first.string(), files[1].first.string());
  fmt::print(
      "next: fill in the [crash] command in {}, then run\n"
      "  crashpoint validate {}\n  crashpoint run {}\n",
      files[1].first.string(), shell_quote(o.dir), shell_quote(o.dir));
  std::error_code ec;
  if (o.target.find('/') != std::string::npos && !fs::exists(o.target, ec)) {
    fmt::print(stderr,
               "crashpoint: note: the target {} does not exist yet: build it before `crashpoint run`\n",
               o.target);
  }
}

}  // namespace

std::string toml_quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string target_command_for(const std::string& target, const fs::path& dir) {
  if (target.find('/') == std::string::npos) return target;  // looked up on PATH
  const fs::path abs_target = fs::absolute(target).lexically_normal();
  fs::path abs_dir = fs::absolute(dir).lexically_normal();
  if (!abs_dir.has_filename()) abs_dir = abs_dir.parent_path();
  // Below the root, the first folder must be shared: /usr/bin/x stays absolute
  // for a suite in /home/me/project, but /home/me/project/build/x is ../build/x.
  auto t = abs_target.begin(), d = abs_dir.begin();
  if (++t == abs_target.end() || ++d == abs_dir.end() || *t != *d) return abs_target.string();
  const std::string relative = abs_target.lexically_relative(abs_dir).generic_string();
  return relative.find('/') == std::string::npos ? "./" + relative : relative;
}

std::string starter_suite_text(const std::string& target_command, const std::string& dir_shown) {
  return fill(suite_template, {{"@COMMAND@", toml_quote(target_command)},
                               {"@DIR@", has_control(dir_shown) ? "DIR" : shell_quote(dir_shown)}});
}

std::string starter_scenario_text(const std::string& checkpoint) {
  const std::string description = "a crash at " + checkpoint + " leaves a state that the next run recovers";
  return fill(scenario_template, {{"@NAME@", checkpoint},
                                  {"@QUOTED@", toml_quote(checkpoint)},
                                  {"@DESCRIPTION@", toml_quote(description)}});
}

int command_init(const init_options& o) {
  std::string error = checkpoint_problem(o.checkpoint);
  if (error.empty() && o.target.empty()) {
    error = "--target: expected the path or name of the program under test";
  }
  if (!error.empty()) {
    fmt::print(stderr, "crashpoint: {}\n", error);
    return exit_usage;
  }
  const fs::path dir = o.dir;
  const file_list files{
      {dir / "crashpoint.toml", starter_suite_text(target_command_for(o.target, dir), o.dir)},
      {dir / (o.checkpoint + ".toml"), starter_scenario_text(o.checkpoint)}};
  if (!none_exists(files)) return exit_usage;
  if (!write_all(dir, files, error)) {
    fmt::print(stderr, "crashpoint: {}\n", error);
    return exit_usage;
  }
  print_next_steps(o, files);
  return exit_ok;
}

}  // namespace crashpoint::harness
