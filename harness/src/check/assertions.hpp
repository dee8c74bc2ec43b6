// SPDX-License-Identifier: Apache-2.0
// assertions.hpp: checks on commands' results and on the state left behind.
//
// Each check returns the failures it found as sentences that say what was
// expected and what was actually there; an empty list means it passed. A
// sentence may go on over more lines (a line diff of expected and actual
// text); its first line says what failed.
//
// The checks on the state (file, glob) read what a target left, which may be
// anything: each is bounded by a check_budget (check_budget.hpp): the run's
// timeout, the session's stop flag, and limits on what it reads and keeps.
// Exceeding one, or a folder or file that cannot be read, is a failure that
// says so; only "no such file" counts as absence. The stop flag throws
// check_interrupted.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/check_budget.hpp"
#include "check/file_pieces.hpp"
#include "process/process.hpp"
#include "scenario/scenario.hpp"
#include "check/tree_snapshot.hpp"

namespace crashpoint::harness {

// exit_code (default 0) and the stdout/stderr contains, matches, equals checks.
std::vector<std::string> check_command_result(const command_check& check, const command_result& result);

// The snapshots `unchanged` checks compare with, by assertion path; a path
// whose snapshot failed maps to why.
struct unchanged_snapshots {
  std::map<std::string, tree_snapshot> taken;
  std::map<std::string, std::string> failed;
};

struct state_paths {
  fs::path work;                                // the workdir
  fs::path scenario_dir;                        // for golden files
  const unchanged_snapshots* before = nullptr;  // taken just before the crash run
};

std::vector<std::string> check_file(const file_check& check, const state_paths& paths,
                                    const check_budget& budget);
std::vector<std::string> check_glob(const glob_check& check, const fs::path& work,
                                    const check_budget& budget);

// Records what `rel` (a file, a folder, or nothing) holds in `work`, for an
// `unchanged` check after recovery.
void snapshot_path(const std::string& rel, const fs::path& work, const check_budget& budget,
                   unchanged_snapshots& into);

// Matches a path relative to the workdir: `*` and `?` stay within one segment,
// `**` spans any number of segments, `[abc]` is a character class.
bool path_glob_match(std::string_view pattern, std::string_view path);

// Why `text` (named `what`) fails the check `matches = pattern`, or "": it
// does not match, or the pattern cannot be searched for in so much text
// (user_pattern::cost_problem()).
std::string match_failure(const std::string& what, std::string_view text, const std::string& pattern);

// For a failed comparison of texts of which either spans several lines: a
// line diff from `expected` to `actual` (line_diff.hpp), each line preceded
// by '\n', to follow the message's first line. Empty when both are single
// lines: the message then quotes both. `actual` may be a sample of a longer
// text: the diff then says it compares only its start.
std::string multi_line_diff(std::string_view expected, const text_sample& actual);

}  // namespace crashpoint::harness
