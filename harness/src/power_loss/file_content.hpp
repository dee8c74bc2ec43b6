// SPDX-License-Identifier: Apache-2.0
// file_content.hpp: making a file's bytes in a crash state: its pre-image,
// then the data ops the state keeps, replayed in program order, one of them
// perhaps damaged.
//
//   payload_reader payloads("payloads.bin");             // throws rebuild_error
//   content_stats s = build_content(out_fd, undo_dir_fd, preimage, steps, payloads);
//
// A write's bytes come from the payloads file ([payload, payload + length));
// a write the log has no bytes for (recorded without --payloads, or a buffer
// the recorder could not read) cannot be replayed and is refused with the
// call named. The pre-image is reflinked when the file system shares blocks
// (FICLONE), else copied in the kernel (copy_file_range).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "power_loss/history.hpp"
#include "power_loss/workdir_tree.hpp"

namespace crashpoint::power_loss {

// How a kept write reaches the file.
struct write_damage {
  enum class fill : std::uint8_t { payload, zero, garbage };
  std::uint64_t keep_bytes = UINT64_MAX;  // only the first bytes of it (a torn write)
  fill how = fill::payload;
  std::uint64_t seed = 0;  // garbage
};

struct replay_step {
  const history_op* op = nullptr;
  std::optional<write_damage> damage;
};

class payload_reader {
 public:
  payload_reader() = default;
  explicit payload_reader(const std::filesystem::path& file);  // empty path: no payloads
  // The first n bytes of op's payload; throws rebuild_error naming the call when they were not kept.
  std::string read(const history_op& op, std::uint64_t n) const { return read_part(op, 0, n); }
  // n bytes of it from `skip` on.
  std::string read_part(const history_op& h, std::uint64_t skip, std::uint64_t n) const;

 private:
  std::filesystem::path path_;
  unique_fd fd_;
  std::uint64_t size_ = 0;
};

struct content_stats {
  std::uint64_t copied = 0;    // pre-image bytes
  std::uint64_t replayed = 0;  // bytes written by replayed ops
};

// The bytes a kept write-like op put (its result; unfinished: what was captured).
std::uint64_t bytes_written(const history_op& h);

// Fills out_fd (an empty file) with `preimage` (a file in undo_dir, or nothing: an empty start) and the
// steps.
content_stats build_content(int out_fd, int undo_dir_fd, const std::optional<std::string>& preimage,
                            const std::vector<replay_step>& steps, const payload_reader& payloads);

// A byte range of a file, [start, end).
struct byte_range {
  std::uint64_t start = 0, end = 0;
};

// Turns the crashed file fd back into the state's content in place, when the
// state drops or damages only writes of it: outside the ranges those writes
// covered (`dirty`) the crashed bytes are the state's already, and inside
// them the state's bytes are the pre-image's with the kept ops replayed,
// clipped to the range. Costs the dirty bytes, not the file's size.
// `preimage_size` is 0 without a pre-image (a file the command created).
content_stats revert_in_place(int fd, int undo_dir_fd, const std::optional<std::string>& preimage,
                              std::uint64_t preimage_size, const std::vector<replay_step>& kept,
                              std::vector<byte_range> dirty, const payload_reader& payloads);

// n pseudo-random bytes from seed: the same on every platform.
std::string garbage_bytes(std::uint64_t seed, std::uint64_t n);

}  // namespace crashpoint::power_loss
