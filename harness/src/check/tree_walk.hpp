// SPDX-License-Identifier: Apache-2.0
// tree_walk.hpp: a bounded walk over a folder a target filled, for the checks
// the harness makes itself (glob, and the snapshots behind `idempotent` and
// `unchanged`).
//
//   walk_tree(work / "data", "data", budget, [&](const walk_entry& e) {
//     if (S_ISREG(e.st.st_mode)) ... e.rel ...   // "wal/0001.log"
//     return true;                                // descend, if a folder
//   });
//
// Depth first, in name order, never following a symbolic link; each folder is
// opened relative to its parent's descriptor, so the walk holds one
// descriptor per level and a path of any length works. Bounded by
// check_budget.hpp's walk limits (depth, entries, path bytes), by the time the
// budget gives, and by the stop flag: exceeding one throws check_failed
// naming it. A folder or entry that cannot be read (permission denied, I/O
// error) throws check_failed too, saying which: a check that skipped it would
// pass on what it never saw. Only "no such file" counts as absence.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <string_view>

#include "util/check_budget.hpp"

namespace crashpoint::harness {

struct walk_entry {
  std::string_view rel;   // relative to the walk's root, '/'-separated; "" is the root
  int parent_fd;          // the folder holding it (AT_FDCWD for the root)
  const char* name;       // its name in parent_fd (the root's full path for the root)
  const struct stat& st;  // lstat: a link is a link
  std::size_t depth;      // 0 for the root, 1 for its entries, ...
};

// Returns whether to descend into the entry when it is a folder.
using walk_visitor = std::function<bool(const walk_entry&)>;

// check_budget.hpp's walk limits; a test may lower them.
struct walk_limits {
  std::size_t depth = max_walk_depth;
  std::size_t entries = max_walk_entries;
  std::size_t path_bytes = max_walk_path_bytes;
};

// Visits `root` itself (when it exists: nothing when it does not) and, if it
// is a folder, everything below it. Messages name entries as `shown_as`
// ("data", or "." for the workdir itself) followed by their relative path.
void walk_tree(const std::filesystem::path& root, std::string_view shown_as, const check_budget& budget,
               const walk_visitor& visit, const walk_limits& limits = {});

// Whether `path` exists (lstat, so a dangling link exists). Only ENOENT and
// ENOTDIR mean absent; any other error (a folder on the way that cannot be
// searched) throws check_failed.
bool path_exists(const std::filesystem::path& path);

}  // namespace crashpoint::harness
