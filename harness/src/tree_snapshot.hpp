// tree_snapshot.hpp: what a folder holds, to tell whether a command changed it.
//
// Used for `idempotent = true`: recovery run a second time must leave the
// workdir exactly as the first pass left it (same paths, types, contents,
// link targets; not timestamps, which a no-op rewrite may touch).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace crashpoint::harness {

// Relative path -> a fingerprint of the entry (type and content hash).
using tree_snapshot = std::map<std::string, std::string>;

tree_snapshot snapshot_tree(const std::filesystem::path& root);

// "data/wal.log changed", "data/x.tmp appeared", "data/snapshot disappeared".
std::vector<std::string> tree_differences(const tree_snapshot& before, const tree_snapshot& after);

}  // namespace crashpoint::harness
