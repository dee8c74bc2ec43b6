// assertions.hpp: checks on commands' results and on the state left behind.
//
// Each check returns the failures it found as sentences that say what was
// expected and what was actually there; an empty list means it passed.
#pragma once

#include <string>
#include <vector>

#include "process.hpp"
#include "scenario.hpp"

namespace crashpoint::harness {

// exit_code (default 0) and the stdout/stderr contains, matches, equals checks.
std::vector<std::string> check_command_result(const command_check& check,
                                              const command_result& result);

struct state_paths {
  fs::path work;          // the workdir
  fs::path scenario_dir;  // for golden files
  fs::path before;        // copies taken before the crash run
};

std::vector<std::string> check_file(const file_check& check, const state_paths& paths);
std::vector<std::string> check_glob(const glob_check& check, const fs::path& work);

// Copies `rel` (file, folder or absence) from `work` into `before`, so that an
// `unchanged` check can compare after recovery.
void snapshot_path(const std::string& rel, const fs::path& work, const fs::path& before);

// Matches a path relative to the workdir: `*` and `?` stay within one segment,
// `**` spans any number of segments, `[abc]` is a character class.
bool path_glob_match(std::string_view pattern, std::string_view path);

// `text` quoted for a message, shortened around the middle when long.
std::string quote(std::string_view text);

}  // namespace crashpoint::harness
