// SPDX-License-Identifier: Apache-2.0
// fuzz_arming.cpp: libFuzzer target for the arming-variable grammar
// (crashpoint::parse_arming, lib/src/arming.cpp).
//
// Any bytes are a possible value of $CRASHPOINT: the library parses it in
// every armed process, so it must never crash, hang or read out of bounds.
// Beyond "no crash", each input checks the grammar's promises:
//   - every parsed entry has a non-empty name made of printable ASCII without
//     spaces, `,`, `@` or `=`;
//   - every parsed action prints (to_string) to text that parse_action reads
//     back to the same action, and that an entry `name=<text>` re-parses to;
//   - entries + errors account for every non-blank comma-separated piece.
// A broken promise calls __builtin_trap(): libFuzzer reports it as a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "crashpoint/arming.hpp"

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c <= ' ' || c >= 127 || c == ',' || c == '@' || c == '=') return false;
  }
  return true;
}

bool is_blank(std::string_view piece) {
  for (char c : piece) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') return false;
  }
  return true;
}

std::size_t non_blank_pieces(std::string_view text) {
  std::size_t n = 0;
  while (true) {
    const auto comma = text.find(',');
    if (!is_blank(text.substr(0, comma))) ++n;
    if (comma == std::string_view::npos) return n;
    text.remove_prefix(comma + 1);
  }
}

void check_action_round_trip(const crashpoint::action& act) {
  const std::string text = crashpoint::to_string(act);
  const auto again = crashpoint::parse_action(text);
  require(again.has_value() && *again == act);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const crashpoint::arming_list list = crashpoint::parse_arming(text);

  require(list.entries.size() + list.errors.size() == non_blank_pieces(text));
  for (const crashpoint::arming_entry& e : list.entries) {
    require(valid_name(e.name));
    if (!e.act) continue;
    check_action_round_trip(*e.act);
    // The entry as the harness would write it back parses to the same entry.
    std::string written = e.name;
    if (e.hit != 0) written += "@" + std::to_string(e.hit);
    written += "=" + crashpoint::to_string(*e.act);
    const crashpoint::arming_list again = crashpoint::parse_arming(written);
    require(again.errors.empty() && again.entries.size() == 1);
    require(again.entries[0].name == e.name && again.entries[0].hit == e.hit &&
            again.entries[0].act == e.act);
  }
  for (const crashpoint::arming_error& err : list.errors) require(!err.problem.empty());

  // The input read as one ACTION word: whatever parses must round-trip.
  if (const auto act = crashpoint::parse_action(text)) check_action_round_trip(*act);
  return 0;
}
