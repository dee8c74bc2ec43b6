// SPDX-License-Identifier: Apache-2.0
// tree_snapshot.hpp: what a folder (or a file) holds, to tell whether it changed.
//
// Two checks compare the workdir with itself at another time:
//   - `idempotent = true`: recovery run a second time must leave the workdir
//     exactly as the first pass left it (tree_differences());
//   - a file assertion's `unchanged = true`: the path must be as it was just
//     before the crash run (first_difference()).
// Both compare paths, types, contents and link targets, not timestamps (a
// no-op rewrite may touch those). A snapshot holds a fingerprint of each
// file's content (its size and a hash), never a copy, so it costs memory per
// entry, not per byte, and writes nothing to disk. It is taken by a bounded
// walk (tree_walk.hpp): too deep, too many entries, out of time, or a folder
// that cannot be read throws check_failed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "util/check_budget.hpp"
#include "check/file_pieces.hpp"

namespace crashpoint::harness {

struct entry_print {
  enum class kind { file, folder, link, other };
  kind k = kind::other;
  std::uint64_t size = 0, hash = 0;  // a file's content
  std::string link;                  // a link's target
  text_sample sample;                // a file's first and last bytes, for messages (when asked for)

  bool same_as(const entry_print& o) const {
    return k == o.k && size == o.size && hash == o.hash && link == o.link;
  }
};

// Relative path ("" for the root itself, when it is kept) -> fingerprint.
struct tree_snapshot {
  std::map<std::string, entry_print> entries;
};

struct snapshot_options {
  bool with_root = false;     // the root itself as entry "" (it may be a file or absent)
  bool with_samples = false;  // keep samples of files' content for messages
};

// `shown_as` names the root in messages ("." for the workdir).
tree_snapshot snapshot_tree(const std::filesystem::path& root, std::string_view shown_as,
                            const check_budget& budget, snapshot_options options = {});

// "data/wal.log changed", "data/x.tmp appeared", "data/snapshot disappeared".
std::vector<std::string> tree_differences(const tree_snapshot& before, const tree_snapshot& after);

// The first difference between two snapshots of the path `rel` taken with
// its root, as a sentence ("data/value changed: it was "5\n" and is "7\n""),
// or "" when there is none.
std::string first_difference(const tree_snapshot& before, const tree_snapshot& after, const std::string& rel);

}  // namespace crashpoint::harness
