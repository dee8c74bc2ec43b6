// SPDX-License-Identifier: Apache-2.0
// rebuild.hpp: rewriting a crashed command's workdir, in place, into a crash
// state: what a power loss at the crash could have left (crash_state.hpp),
// optionally with the last write damaged (corruption).
//
//   history h = load_history(logs / "io.jsonl", logs / "undo");
//   rebuild_options o;
//   o.state = *parse_state("clean");               // or prefix:K, torn:K, crashed
//   o.corrupt = corruption::garbage; o.seed = 7;   // optional, independent of the state
//   rebuild_result r = rebuild(workdir, h, logs / "payloads", logs / "undo", o);   // throws rebuild_error
//   for (const lost_op& l : r.lost) fmt::print("lost: {}\n", l.line());
//   //   lost: write("wal.log", 4096..8192) never fsynced
//   //   lost: rename("data.tmp" -> "data") parent directory never fsynced
//
// Inputs are what `crashpoint-record --log --payloads --undo` wrote for the
// crash command, and the workdir as the crash left it. A file's content in
// the state is its pre-image (undo dir) with the writes the state keeps
// replayed from the payloads. A file whose every change the state keeps is
// not copied at all, only re-linked if its names change; one that lost only
// writes is put right in place, over the ranges those writes covered (the
// pre-image's bytes there, with the kept writes replayed, clipped); only one
// that lost a size change (truncate, O_TRUNC, fallocate) or its last name is
// made again whole from its pre-image. So a rebuild costs at most the
// pre-images of the files whose content differs plus the bytes replayed: no
// more than copying the files the state touches, and often the lost bytes alone.
//
// Safety: every name is checked before anything changes (history.hpp); the
// names the rebuild will change are compared with the tree (type, dev, ino)
// first, and a tree that does not match the log is refused untouched
// (rebuild_error "the workdir does not match the log: ..."). Changes go
// through workdir_tree (openat, O_NOFOLLOW), and a staging folder
// ".crashpoint-rebuild" in the workdir, removed at the end.
//
// Corruption damages the last write the state keeps (in program order):
//   torn     only the first half of its sectors (rounded down) reached the
//            file; the rest of its range is as before the write;
//   zero     its bytes are zeros;
//   garbage  its bytes are pseudo-random, from `seed` (std::mt19937_64,
//            the same bytes for the same seed on every platform).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "power_loss/crash_state.hpp"
#include "power_loss/history.hpp"
#include "power_loss/workdir_tree.hpp"

namespace crashpoint::power_loss {

enum class corruption : std::uint8_t { none, torn, zero, garbage };
std::optional<corruption> parse_corruption(std::string_view text);  // "none", "torn", "zero", "garbage"
std::string_view name(corruption c);

struct rebuild_options {
  crash_state state;
  corruption corrupt = corruption::none;
  std::uint64_t seed = 0;  // garbage
};

// One dropped operation, or a run of writes to one file, one after the
// other in the file and in program order, dropped for the same reason (a
// program writing a file 4 KiB at a time): write("big", 0..1048576), 256 calls.
struct lost_op {
  std::uint64_t seq = 0;  // the (first) call's
  std::string text;       // write("wal.log", 4096..8192)
  std::string why;        // never fsynced
  std::uint64_t calls = 1;
  std::string line() const;  // write("wal.log", 4096..8192) never fsynced [(256 calls)]
};

struct rebuild_result {
  std::string state;                 // its id
  std::vector<lost_op> lost;         // in program order
  std::string corrupted;             // what corruption damaged ("" without corruption)
  std::uint64_t files_rebuilt = 0;   // files made again from a pre-image (a size change of theirs was lost)
  std::uint64_t files_reverted = 0;  // files put right in place (only writes of theirs were lost or damaged)
  std::uint64_t bytes_copied = 0;    // pre-image bytes copied (or reflinked) for them
  std::uint64_t bytes_replayed = 0;  // bytes written into them
  std::uint64_t names_changed = 0;   // names removed, created or re-linked
};

rebuild_result rebuild(const std::filesystem::path& workdir, const history& h,
                       const std::filesystem::path& payloads, const std::filesystem::path& undo_dir,
                       const rebuild_options& options);

// Reads the log and the undo index, then rebuilds; history_error becomes rebuild_error.
rebuild_result rebuild(const std::filesystem::path& workdir, const std::filesystem::path& log,
                       const std::filesystem::path& payloads, const std::filesystem::path& undo_dir,
                       const rebuild_options& options);

inline constexpr std::string_view staging_name = ".crashpoint-rebuild";

}  // namespace crashpoint::power_loss
