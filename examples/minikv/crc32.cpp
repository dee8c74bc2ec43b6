// SPDX-License-Identifier: Apache-2.0
// minikv/crc32.cpp: table-driven CRC-32, the table built at compile time.
#include "minikv/crc32.hpp"

#include <array>

namespace minikv {
namespace {

constexpr std::uint32_t reflected_polynomial = 0xEDB88320u;

// crc_table[b] is the CRC of the single byte b: one lookup per byte instead of eight shifts.
constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t byte = 0; byte < 256; ++byte) {
    std::uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) != 0 ? (crc >> 1) ^ reflected_polynomial : crc >> 1;
    }
    table[byte] = crc;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> crc_table = make_table();

}  // namespace

std::uint32_t crc32(std::string_view data, std::uint32_t previous) noexcept {
  std::uint32_t crc = ~previous;
  for (const char c : data) {
    const auto byte = static_cast<unsigned char>(c);
    crc = crc_table[(crc ^ byte) & 0xFFu] ^ (crc >> 8);
  }
  return ~crc;
}

}  // namespace minikv
