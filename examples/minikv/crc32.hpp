// SPDX-License-Identifier: Apache-2.0
// minikv/crc32.hpp: the CRC-32 checksum that guards every record on disk.
//
// The common CRC-32 (IEEE 802.3, zlib's crc32): reflected polynomial 0xEDB88320,
// initial value and final XOR 0xFFFFFFFF. crc32("123456789") == 0xCBF43926.
// It detects every error burst of up to 32 bits, so any single damaged byte.
#ifndef MINIKV_CRC32_HPP
#define MINIKV_CRC32_HPP

#include <cstdint>
#include <string_view>

namespace minikv {

// The CRC-32 of `data`. To checksum data in pieces, pass the previous result:
// crc32(b, crc32(a)) == crc32(a + b).
[[nodiscard]] std::uint32_t crc32(std::string_view data, std::uint32_t previous = 0) noexcept;

}  // namespace minikv

#endif  // MINIKV_CRC32_HPP
