// SPDX-License-Identifier: Apache-2.0
// minikv/record.hpp: the checksummed record framing shared by the log and the snapshot.
//
// On disk a record is a header and a payload, integers little-endian:
//
//     offset 0   u32  payload length N
//     offset 4   u32  CRC-32 of bytes 0..3 followed by the payload
//     offset 8   N bytes of payload:
//                  u8   operation: 'P' put or 'D' delete
//                  u32  key length K
//                  K    bytes of key
//                  ...  the value: the rest of the payload (empty for a delete)
//
// The checksum covers the length as well, so a damaged length is caught like a
// damaged payload. decode_records() reads whole records until the first one that
// is incomplete or damaged and reports where it stopped: the log's recovery cuts
// the file there.
#ifndef MINIKV_RECORD_HPP
#define MINIKV_RECORD_HPP

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace minikv {

inline constexpr std::size_t record_header_size = 8;
inline constexpr std::size_t max_key_size = 1024;
inline constexpr std::size_t max_value_size = std::size_t{1} << 20;

enum class op : char { put = 'P', del = 'D' };

struct record {
  op kind = op::put;
  std::string key;
  std::string value;  // empty for op::del

  friend bool operator==(const record& a, const record& b) {
    return a.kind == b.kind && a.key == b.key && a.value == b.value;
  }
};

// The record framed for disk: header, then payload. The key and value must
// respect max_key_size and max_value_size (the store checks before encoding).
[[nodiscard]] std::string encode_record(const record& r);

struct decoded_records {
  std::vector<record> records;  // every whole, intact record, in file order
  std::size_t valid_bytes = 0;  // length of the prefix those records fill
  std::string problem;          // why decoding stopped early; empty when it reached the end
};

// Decodes a sequence of records. Never fails: damage ends the sequence, and
// `problem` names the offset and what was wrong there. Offsets count from
// `file_offset`, where `bytes` starts in its file.
[[nodiscard]] decoded_records decode_records(std::string_view bytes, std::size_t file_offset = 0);

}  // namespace minikv

#endif  // MINIKV_RECORD_HPP
