// SPDX-License-Identifier: Apache-2.0
// nesting_depth.hpp: how deep a TOML or JSON text nests, found by one linear
// scan before anything recursive touches it.
//
// toml++ and nlohmann_json build trees, and some of what they do with a tree
// recurses once per level: toml++ while parsing dotted keys and table headers
// (an 80 KB file of `a.a.a...a = 1`, 40,000 levels, overflowed the stack);
// nlohmann_json when comparing, copying or printing a value. Their stack
// grows with the depth of the text, whatever its size. So each text is first
// scanned for its depth, without recursion, and a text deeper than the limit
// is refused with the place where it passes it:
//
//   if (auto deep = toml_too_deep(text, max_toml_depth)) report(deep->line, deep->column);
//   if (json_too_deep(text, max_json_depth) != npos) fail("nested too deep");
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace crashpoint::harness {

// The deepest a scenario or suite file may nest tables and arrays: the limit
// toml++ itself puts on nested inline values, now for tables made by dotted
// keys and headers too.
inline constexpr std::size_t max_toml_depth = 256;

struct depth_excess {
  std::uint32_t line = 0, column = 0;  // 1-based; columns in code points, as toml++ counts them
};

// Where the valid UTF-8 TOML `text` first opens a table or array more than
// `limit` levels below the root, or nullopt: at the dotted key's segment, the
// header's segment (the closing `]]` for an array of tables' own table), the
// `[` or the `{` that opens it. A dotted key `a.b.c = 1` at the root opens
// the tables a (1) and b (2); `[[a.b]]` opens a (1), the array b (2) and its
// table (3). Text that is not valid TOML may be scanned wrongly: it is then
// toml++ that reports it.
std::optional<depth_excess> toml_too_deep(std::string_view text, std::size_t limit);

// The byte offset of the `[` or `{` at which JSON `text` first nests more than
// `limit` levels deep, or std::string_view::npos.
std::size_t json_too_deep(std::string_view text, std::size_t limit);

}  // namespace crashpoint::harness
