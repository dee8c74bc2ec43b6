// SPDX-License-Identifier: Apache-2.0
// minikv/snapshot.cpp: encoding, loading and writing snapshots (format in snapshot.hpp).
#include "minikv/snapshot.hpp"

#include <fcntl.h>

#include <cstdint>
#include <utility>

#include <crashpoint/crashpoint.hpp>

#include "minikv/error.hpp"
#include "minikv/file_io.hpp"
#include "minikv/record.hpp"

namespace minikv {
namespace {

constexpr std::string_view magic = "MKVSNAP1";
constexpr std::size_t header_size = 8 + 4;  // magic + entry count

}  // namespace

std::string encode_snapshot(const table& entries) {
  std::string out(magic);
  const auto count = static_cast<std::uint32_t>(entries.size());
  for (int shift = 0; shift < 32; shift += 8) {
    out.push_back(static_cast<char>((count >> shift) & 0xFFu));
  }
  for (const auto& [key, value] : entries) {
    out += encode_record(record{op::put, key, value});
  }
  return out;
}

std::string decode_snapshot(std::string_view bytes, table& out) {
  if (bytes.size() < header_size || bytes.substr(0, magic.size()) != magic) {
    return "not a minikv snapshot (bad or missing header)";
  }
  std::size_t count = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    count |= std::size_t{static_cast<unsigned char>(bytes[magic.size() + i])} << (8 * i);
  }
  const decoded_records decoded = decode_records(bytes.substr(header_size), header_size);
  if (!decoded.problem.empty()) {
    return decoded.problem;
  }
  if (decoded.records.size() != count) {
    return "holds " + std::to_string(decoded.records.size()) + " entries, its header says " +
           std::to_string(count);
  }
  table entries;
  for (const record& r : decoded.records) {
    if (r.kind != op::put) {
      return "holds a delete record";
    }
    entries[r.key] = r.value;
  }
  out = std::move(entries);
  return {};
}

std::error_code load_snapshot(const std::filesystem::path& file, table& out) {
  std::string bytes;
  if (std::error_code ec = read_file(file, bytes)) {
    return ec == std::errc::no_such_file_or_directory ? std::error_code{} : ec;
  }
  if (!decode_snapshot(bytes, out).empty()) {
    return errc::snapshot_corrupt;
  }
  return {};
}

std::error_code write_snapshot_file(const std::filesystem::path& file, const table& entries) {
  file_descriptor fd;
  if (std::error_code ec = open_file(file, O_WRONLY | O_CREAT | O_TRUNC, fd)) {
    return ec;
  }
  if (std::error_code ec = write_all(fd.get(), encode_snapshot(entries))) {
    return ec;
  }
  // Why here: the new snapshot is written but not durable, and only a temporary
  // file. The old snapshot and the log still hold the state; the next start-up
  // must remove this leftover and find every change.
  crashpoint::maybe_panic_at("compact_after_tmp_write");
  return sync_file(fd.get());
}

}  // namespace minikv
