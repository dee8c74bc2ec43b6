// SPDX-License-Identifier: Apache-2.0
// minikv/snapshot.hpp: the snapshot, every key and value as of the last compaction.
//
// Format: the 8 bytes "MKVSNAP1", a u32 entry count (little-endian), then one
// put record per entry (record.hpp), in key order. The count tells a whole
// snapshot from a cut one.
//
// A snapshot is never modified in place. Compaction writes a new one to a
// temporary file with write_snapshot_file(), then renames it over the old one
// (store.cpp), so a reader finds the old snapshot or the new one, never a mix.
#ifndef MINIKV_SNAPSHOT_HPP
#define MINIKV_SNAPSHOT_HPP

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <system_error>

namespace minikv {

// Keys to values; std::less<> lets lookups take a std::string_view.
using table = std::map<std::string, std::string, std::less<>>;

[[nodiscard]] std::string encode_snapshot(const table& entries);

// Parses a whole snapshot into `out` (replacing its content); returns "" or
// what is wrong with it, leaving `out` untouched.
[[nodiscard]] std::string decode_snapshot(std::string_view bytes, table& out);

// Loads the snapshot at `file` into `out`. A missing file is an empty store; a
// damaged one is errc::snapshot_corrupt.
[[nodiscard]] std::error_code load_snapshot(const std::filesystem::path& file, table& out);

// Writes `entries` to `file`, created or replaced, and fsyncs it. Putting the
// file in place is the caller's job.
[[nodiscard]] std::error_code write_snapshot_file(const std::filesystem::path& file, const table& entries);

}  // namespace minikv

#endif  // MINIKV_SNAPSHOT_HPP
