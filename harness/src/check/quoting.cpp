// SPDX-License-Identifier: Apache-2.0
#include "check/quoting.hpp"

#include <fmt/format.h>

namespace crashpoint::harness {

std::string quote(std::string_view text) { return quote_sample(sample_text(text, sample_tail_bytes)); }

namespace {

// One byte as a message shows it: printable bytes as they are, the rest escaped.
std::string escaped(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (c == '\n') return "\\n";
  if (c == '\t') return "\\t";
  if (c == '"' || c == '\\') return std::string("\\") + c;
  if (byte < 0x20 || byte == 0x7f) return fmt::format("\\x{:02x}", byte);  // NUL, ESC...
  return std::string(1, c);
}

// At most `limit` characters of `bytes` escaped, from its start (or its end,
// `from_end`), whole escapes only; `used` is how many bytes that took.
std::string escaped_edge(std::string_view bytes, std::size_t limit, bool from_end, std::size_t& used) {
  std::string out;
  for (used = 0; used < bytes.size(); ++used) {
    const std::string e = escaped(from_end ? bytes[bytes.size() - 1 - used] : bytes[used]);
    if (out.size() + e.size() > limit) break;
    out = from_end ? e + out : out + e;
  }
  return out;
}

}  // namespace

std::string quote_sample(const text_sample& sample) {
  // Characters of escaped text shown at each end of a long text: small enough
  // that the whole quote fits in one detail line (detail_bounds.hpp), which
  // would otherwise cut out the middle, the marker with it.
  constexpr std::size_t edge = 240;
  const bool known = sample.head.size() + sample.tail.size() == sample.size;
  const std::string whole = known ? sample.head + sample.tail : "";
  std::size_t head_used = 0, tail_used = 0;
  if (known) {
    const std::string all = escaped_edge(whole, 2 * edge + 40, false, head_used);
    if (head_used == whole.size()) return "\"" + all + "\"";
  }
  const std::string_view head = known ? std::string_view(whole) : std::string_view(sample.head);
  const std::string_view tail = known ? std::string_view(whole) : std::string_view(sample.tail);
  const std::string front = escaped_edge(head, edge, false, head_used);
  const std::string back = escaped_edge(tail, edge, true, tail_used);
  const std::uint64_t omitted = sample.size - head_used - tail_used;
  return "\"" + front + "[... " + std::to_string(omitted) + " bytes ...]" + back + "\"";
}

}  // namespace crashpoint::harness
