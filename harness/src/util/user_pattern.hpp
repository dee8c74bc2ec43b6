// SPDX-License-Identifier: Apache-2.0
// user_pattern.hpp: the regular expressions users write, run by RE2.
//
// `stdout_matches`, `stderr_matches`, a file's `matches` and `crashpoint
// coverage --pattern` are RE2 patterns (https://github.com/google/re2/wiki/Syntax).
// RE2 matches in time linear in the text and never recurses over it, so no
// pattern and no text can exhaust the harness's stack, as libstdc++'s regex did on
// `^(ok\n)+$` over 10,000 lines. Its memory is bounded too: a pattern whose
// compiled programs (forward, and the reverse one an unanchored search uses)
// do not fit in `pattern_memory_budget` is refused when it is compiled, so a
// pattern that compiles can always be matched.
//
//   std::string error;
//   auto p = user_pattern::compile("^balance=\\d+\n$", error);
//   if (!p) return fail(error);           // "missing ): ..." and a hint
//   if (p->found_in(text)) ...            // anywhere in the text
//
// Linear is not always fast: RE2's DFA usually reads a byte in a few
// instructions, but a pattern whose DFA outgrows its memory makes RE2 fall
// back to an NFA that takes up to (text bytes) x (compiled instructions)
// steps: `a[ab]{500}c` over 16 MiB took 290 s. A search cannot be
// interrupted, so one whose product exceeds max_search_cost is refused
// before it starts (cost_problem()): a bound on its time.
//
// Text and patterns are UTF-8: `.` is one character, and a byte that is not
// valid UTF-8 is matched only by `\C`. `^` and `$` match at the ends of the
// text (`(?m)` makes them match at line ends). Copies share one compiled RE2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace crashpoint::harness {

// What RE2 may use for one pattern: its compiled programs and the caches of
// its DFAs. A search whose DFA outgrows its share falls back to RE2's NFA
// (slower, still linear and still bounded), never to failure.
inline constexpr std::int64_t pattern_memory_budget = std::int64_t{8} << 20;

// Text bytes x compiled instructions: 1 MiB of output against a pattern of
// up to 1,024 instructions, a 16 MiB file against one of up to 64. (`.` is 12
// instructions in UTF-8, `^balance=\d+\n$` 7; `{n}` multiplies.)
inline constexpr std::uint64_t max_search_cost = std::uint64_t{1} << 30;

class user_pattern {
 public:
  // `multi_line`: `^` and `$` also match at line ends (coverage --pattern).
  // On failure returns nullopt and sets `error` to RE2's reason, with a hint
  // for the constructs other dialects have and RE2 lacks (lookaround,
  // backreferences, `(?<name>...)`, `\u0041`).
  static std::optional<user_pattern> compile(std::string_view text, std::string& error,
                                             bool multi_line = false);

  // Whether the pattern matches anywhere in `text`.
  bool found_in(std::string_view text) const;

  // Why a search of `text_bytes` would cost more than max_search_cost, or "".
  std::string cost_problem(std::size_t text_bytes) const;

  // Capturing groups in the pattern; instructions of its compiled program.
  int groups() const;
  int instructions() const;

  // Each non-overlapping match in `text`, left to right: the offset and text
  // of its group 1 (empty when the group did not take part).
  template <typename Visit>
  void for_each_match(std::string_view text, Visit visit) const {
    for (std::size_t at = 0; at <= text.size();) {
      std::string_view whole, group;
      if (!match_from(text, at, whole, group)) return;
      visit(static_cast<std::size_t>(group.data() - text.data()), group);
      const std::size_t end = static_cast<std::size_t>(whole.data() - text.data()) + whole.size();
      at = whole.empty() ? end + 1 : end;
    }
  }

 private:
  explicit user_pattern(std::shared_ptr<const re2::RE2> re) : re_(std::move(re)) {}
  // The first match starting at or after `at`; `group` is group 1, or an
  // empty view at the match's start when there is none or it did not take part.
  bool match_from(std::string_view text, std::size_t at, std::string_view& whole,
                  std::string_view& group) const;

  std::shared_ptr<const re2::RE2> re_;
};

}  // namespace crashpoint::harness
