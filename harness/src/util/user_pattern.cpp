// SPDX-License-Identifier: Apache-2.0
// user_pattern.cpp: RE2 with the harness's options, and hints for RE2's errors.
#include "util/user_pattern.hpp"

#include <re2/re2.h>

namespace crashpoint::harness {
namespace {

RE2::Options options() {
  RE2::Options o;
  o.set_log_errors(false);  // errors are returned to the caller, never printed
  o.set_max_mem(pattern_memory_budget);
  return o;
}

bool starts_with_any(std::string_view text, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes) {
    if (text.starts_with(p)) return true;
  }
  return false;
}

// What a user coming from ECMAScript or PCRE should write instead.
std::string hint(const RE2& re, std::string_view pattern) {
  const std::string& arg = re.error_arg();
  switch (re.error_code()) {
    case RE2::ErrorBadPerlOp:
      if (starts_with_any(arg, {"(?=", "(?!"})) return "RE2 has no lookahead";
      if (pattern.find("(?<=") != std::string_view::npos || pattern.find("(?<!") != std::string_view::npos) {
        return "RE2 has no lookbehind";
      }
      if (arg.starts_with("(?<")) return "write a named group as (?P<name>...)";
      return "";
    case RE2::ErrorBadEscape:
      if (arg.size() == 2 && arg[1] >= '1' && arg[1] <= '9') return "RE2 has no backreferences";
      if (arg == "\\u") return "write a code point as \\x{41}";
      if (arg == "\\Z") return "\\z is the end of the text";
      return "";
    case RE2::ErrorRepeatSize: return "a repetition count is at most 1000, nested repetitions multiplied";
    case RE2::ErrorPatternTooLarge:
      return "its compiled form exceeds RE2's memory budget of " +
             std::to_string(pattern_memory_budget >> 20) + " MiB per pattern";
    default: return "";
  }
}

std::string describe_error(const RE2& re, std::string_view pattern) {
  const std::string why = hint(re, pattern);
  return re.error() + (why.empty() ? "" : " (" + why + ")");
}

}  // namespace

std::optional<user_pattern> user_pattern::compile(std::string_view text, std::string& error,
                                                  bool multi_line) {
  const std::string source = (multi_line ? "(?m)" : "") + std::string(text);
  auto re = std::make_shared<const RE2>(source, options());
  if (!re->ok()) {
    error = describe_error(*re, text);
    return std::nullopt;
  }
  // An unanchored search may need the reverse program, which RE2 compiles on
  // first use; compiled now, a pattern too large for it is refused here
  // instead of failing to match later.
  if (re->ReverseProgramSize() < 0) {
    error =
        "pattern too large - reverse compile failed (its compiled form exceeds RE2's memory "
        "budget of " +
        std::to_string(pattern_memory_budget >> 20) + " MiB per pattern)";
    return std::nullopt;
  }
  return user_pattern(std::move(re));
}

bool user_pattern::found_in(std::string_view text) const {
  return re_->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED, nullptr, 0);
}

std::string user_pattern::cost_problem(std::size_t text_bytes) const {
  const auto cost = static_cast<std::uint64_t>(text_bytes) * static_cast<std::uint64_t>(instructions());
  if (cost <= max_search_cost) return "";
  return std::to_string(text_bytes) + " bytes are too many to search for a pattern of " +
         std::to_string(instructions()) + " RE2 instructions: bytes x instructions may be at most " +
         std::to_string(max_search_cost) + " (a search cannot be interrupted)";
}

int user_pattern::groups() const { return re_->NumberOfCapturingGroups(); }

int user_pattern::instructions() const { return re_->ProgramSize(); }

bool user_pattern::match_from(std::string_view text, std::size_t at, std::string_view& whole,
                              std::string_view& group) const {
  re2::StringPiece found[2];
  const int wanted = re_->NumberOfCapturingGroups() >= 1 ? 2 : 1;
  if (!re_->Match(re2::StringPiece(text.data(), text.size()), at, text.size(), RE2::UNANCHORED, found,
                  wanted)) {
    return false;
  }
  whole = std::string_view(found[0].data(), found[0].size());
  const bool took_part = wanted == 2 && found[1].data() != nullptr;
  group = took_part ? std::string_view(found[1].data(), found[1].size()) : whole.substr(0, 0);
  return true;
}

}  // namespace crashpoint::harness
