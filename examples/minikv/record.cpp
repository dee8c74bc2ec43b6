// SPDX-License-Identifier: Apache-2.0
// minikv/record.cpp: encoding and validating records (format in record.hpp).
#include "minikv/record.hpp"

#include <cstdint>

#include "minikv/crc32.hpp"

namespace minikv {
namespace {

constexpr std::size_t payload_fixed_size = 1 + 4;  // operation + key length
constexpr std::size_t max_payload_size = payload_fixed_size + max_key_size + max_value_size;

void append_u32(std::string& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFFu));
  }
}

std::uint32_t read_u32(std::string_view bytes) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value |= std::uint32_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
  }
  return value;
}

// Parses a payload whose checksum already matched; returns "" or the problem.
std::string parse_payload(std::string_view payload, record& out) {
  if (payload.size() < payload_fixed_size) {
    return "payload of " + std::to_string(payload.size()) + " bytes is too short";
  }
  const char kind = payload[0];
  if (kind != static_cast<char>(op::put) && kind != static_cast<char>(op::del)) {
    return "unknown operation byte " + std::to_string(static_cast<unsigned char>(kind));
  }
  const std::size_t key_size = read_u32(payload.substr(1));
  if (key_size > payload.size() - payload_fixed_size) {
    return "key length " + std::to_string(key_size) + " overruns the payload";
  }
  out.kind = static_cast<op>(kind);
  out.key = std::string(payload.substr(payload_fixed_size, key_size));
  out.value = std::string(payload.substr(payload_fixed_size + key_size));
  if (out.kind == op::del && !out.value.empty()) {
    return "a delete record carries a value";
  }
  return {};
}

// Decodes the record at the start of `bytes` into `out` and sets `size` to its
// length on disk; returns "" or the problem.
std::string decode_one(std::string_view bytes, record& out, std::size_t& size) {
  if (bytes.size() < record_header_size) {
    return "incomplete header (" + std::to_string(bytes.size()) + " of 8 bytes)";
  }
  const std::size_t payload_size = read_u32(bytes);
  if (payload_size > max_payload_size) {
    return "payload length " + std::to_string(payload_size) + " exceeds the limit";
  }
  if (bytes.size() - record_header_size < payload_size) {
    return "incomplete payload (" + std::to_string(bytes.size() - record_header_size) + " of " +
           std::to_string(payload_size) + " bytes)";
  }
  const std::string_view payload = bytes.substr(record_header_size, payload_size);
  if (crc32(payload, crc32(bytes.substr(0, 4))) != read_u32(bytes.substr(4))) {
    return "checksum mismatch";
  }
  size = record_header_size + payload_size;
  return parse_payload(payload, out);
}

}  // namespace

std::string encode_record(const record& r) {
  std::string payload;
  payload.push_back(static_cast<char>(r.kind));
  append_u32(payload, static_cast<std::uint32_t>(r.key.size()));
  payload += r.key;
  payload += r.value;

  std::string framed;
  append_u32(framed, static_cast<std::uint32_t>(payload.size()));
  append_u32(framed, crc32(payload, crc32(framed)));
  return framed + payload;
}

decoded_records decode_records(std::string_view bytes, std::size_t file_offset) {
  decoded_records out;
  while (out.valid_bytes < bytes.size()) {
    record r;
    std::size_t size = 0;
    std::string problem = decode_one(bytes.substr(out.valid_bytes), r, size);
    if (!problem.empty()) {
      out.problem = "offset " + std::to_string(file_offset + out.valid_bytes) + ": " + problem;
      break;
    }
    out.records.push_back(std::move(r));
    out.valid_bytes += size;
  }
  return out;
}

}  // namespace minikv
