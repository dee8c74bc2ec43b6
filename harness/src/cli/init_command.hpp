// SPDX-License-Identifier: Apache-2.0
// init_command.hpp: `crashpoint init`, a starter suite for a new user.
//
//   crashpoint init --target build/mytool --checkpoint save_after_tmp [scenarios]
//
// writes scenarios/crashpoint.toml (the suite file, naming the target relative
// to the folder) and scenarios/save_after_tmp.toml (a first scenario for that
// checkpoint). Both are commented key by key, with every optional part present
// but commented out, and pass `crashpoint validate` as written; the user then
// fills in the crash command. An existing file is never overwritten: init then
// names it, writes nothing and exits 2.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace crashpoint::harness {

struct init_options {
  std::string target;      // --target, as typed
  std::string checkpoint;  // --checkpoint
  std::string dir = "scenarios";
};

int command_init(const init_options& o);

// `[target] command` for `target` in a suite file in `dir`: a bare name stays
// a PATH lookup; a path becomes relative to `dir` unless the two share no
// folder but the root. Relative paths are taken from the current folder.
std::string target_command_for(const std::string& target, const std::filesystem::path& dir);

// The files' text. `dir_shown` is the folder as the commands in comments name it.
std::string starter_suite_text(const std::string& target_command, const std::string& dir_shown);
std::string starter_scenario_text(const std::string& checkpoint);

// `text` as a TOML basic string, quotes included.
std::string toml_quote(std::string_view text);

}  // namespace crashpoint::harness
