// SPDX-License-Identifier: Apache-2.0
// source_scan.hpp: finds where source files define checkpoints (`crashpoint coverage`).
//
// A checkpoint is defined where source code reaches it by a literal name:
//
//     crashpoint::maybe_panic_at("log_after_fsync");     // C++, with or without `crashpoint::`
//     crashpoint_maybe_fail_at_n("log_write", 9);         // C, and the _n variants
//     fault_inject::maybe_panic_at("wal_after_append");   // Rust, or any language
//
// scan_sources() walks each folder, skipping hidden folders and build output
// (`build`, `target`, `node_modules`), reads every file with a source
// extension, and records each name it finds with its file and line: the calls
// above, and the matches of any extra patterns (RE2 regexes whose capture
// group 1 is the name: a project's own wrapper macro, say).
// The scan reads text and does not parse it: a call inside a comment counts,
// and a name built at run time is invisible to it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/user_pattern.hpp"

namespace crashpoint::harness {

namespace fs = std::filesystem;

// What the built-in matcher finds, as an RE2 regex (capture group 1: the
// name). The scan does not use it: a hand-written matcher finds the same
// calls from a substring search for `maybe_`; a unit test holds the two to
// agreement.
extern const char* const default_checkpoint_pattern;

// An extra pattern (--pattern): an RE2 regex, `^` and `$` matching at line
// ends; capture group 1 is the checkpoint name.
struct checkpoint_pattern {
  std::string text;  // as written, for messages
  user_pattern re;
};

// Empty with `error` set when one of `extra` is not a valid regex or has no
// capture group.
std::optional<std::vector<checkpoint_pattern>> compile_patterns(const std::vector<std::string>& extra,
                                                                std::string& error);

struct name_match {
  std::string name;
  std::uint32_t line = 0;  // 1-based line of the name
};

// Every name the built-in matcher and the extra patterns find in `text`, in
// order of their place; a name found twice on one line is listed once.
std::vector<name_match> scan_text(const std::string& text, const std::vector<checkpoint_pattern>& patterns);

// Whether a file is read by extension (.c .cc .cpp .cxx .h .hh .hpp .hxx .rs
// .go .py .java .kt .swift .zig), and whether a folder is skipped.
bool is_source_file(const fs::path& file);
bool is_skipped_folder(const fs::path& folder);

struct definition {
  std::string file;  // relative to its --source folder (prefixed by it when there are several)
  std::uint32_t line = 0;
};

struct scan_result {
  std::map<std::string, std::vector<definition>> definitions;  // by name; file, then line order
  std::size_t files = 0;                                       // source files read
  std::vector<std::string> errors;    // a --source that is missing or not a readable folder
  std::vector<std::string> warnings;  // files or subfolders that could not be read
};

scan_result scan_sources(const std::vector<fs::path>& folders,
                         const std::vector<checkpoint_pattern>& patterns);

}  // namespace crashpoint::harness
