// SPDX-License-Identifier: Apache-2.0
// utf8.hpp: the one UTF-8 decoder of the harness and the recorder.
//
//   decode_utf8("é", 0) == {2, U'é'};  decode_utf8("\xC0\x80", 0).length == 0
//   is_valid_utf8("abc") == true;       is_valid_utf8("\xFF") == false
//
// Valid means RFC 3629, as toml++ and nlohmann_json read it: no overlong
// forms, no surrogates, no code points above U+10FFFF.
#pragma once

#include <cstddef>
#include <string_view>

namespace crashpoint::harness {

// One character: its length in bytes (0: the bytes at that place are not
// valid UTF-8) and its code point.
struct utf8_char {
  std::size_t length = 0;
  char32_t code_point = 0;
};

// The character that starts at text[i] (i < text.size()).
utf8_char decode_utf8(std::string_view text, std::size_t i);

bool is_valid_utf8(std::string_view text);

// Whether `c` continues a multi-byte sequence (10xxxxxx): a cut there would
// split a character.
inline bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0u) == 0x80u; }

}  // namespace crashpoint::harness
