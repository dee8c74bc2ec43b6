// SPDX-License-Identifier: Apache-2.0
// json_text.cpp: JSON string escaping and UTF-8 checks (see json_text.hpp).
#include "recorder/json_text.hpp"

#include <cstdint>
#include <iterator>

#include "util/utf8.hpp"

namespace crashpoint::recorder {

bool append_json_string(fmt::memory_buffer& out, std::string_view text) {
  if (!harness::is_valid_utf8(text)) return false;
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"': out.append(std::string_view{"\\\""}); break;
      case '\\': out.append(std::string_view{"\\\\"}); break;
      case '\n': out.append(std::string_view{"\\n"}); break;
      case '\t': out.append(std::string_view{"\\t"}); break;
      case '\r': out.append(std::string_view{"\\r"}); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return true;
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4];
    out += digits[b & 0xf];
  }
  return out;
}

std::optional<std::string> hex_decode(std::string_view hex_text) {
  if (hex_text.size() % 2 != 0) return std::nullopt;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex_text.size() / 2);
  for (std::size_t i = 0; i < hex_text.size(); i += 2) {
    const int hi = nibble(hex_text[i]);
    const int lo = nibble(hex_text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>((hi << 4) | lo);
  }
  return out;
}

}  // namespace crashpoint::recorder
