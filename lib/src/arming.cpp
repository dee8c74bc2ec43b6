// SPDX-License-Identifier: Apache-2.0
// arming.cpp: parses the arming variable, `NAME[@HIT][=ACTION],...`.
#include "crashpoint/arming.hpp"

#include <charconv>

namespace crashpoint {
namespace {

constexpr std::uint32_t max_sleep_ms = 24u * 60u * 60u * 1000u;  // a day

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Whole-string unsigned decimal; no sign, no spaces, no overflow.
template <typename T>
std::optional<T> parse_decimal(std::string_view s) {
  T value{};
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// "word(ARG)" -> ARG when s has that shape, else nullopt.
std::optional<std::string_view> call_argument(std::string_view s, std::string_view word) {
  if (s.size() < word.size() + 2 || s.substr(0, word.size()) != word) return std::nullopt;
  if (s[word.size()] != '(' || s.back() != ')') return std::nullopt;
  return s.substr(word.size() + 1, s.size() - word.size() - 2);
}

bool valid_name_char(char c) { return c > ' ' && c < 127 && c != ',' && c != '@' && c != '='; }

// Returns the problem with `name`, or an empty string.
std::string check_name(std::string_view name) {
  if (name.empty()) return "the checkpoint name is empty";
  for (char c : name) {
    if (!valid_name_char(c)) {
      return "checkpoint names are printable ASCII without spaces, `,`, `@` or `=`";
    }
  }
  return {};
}

// Parses one trimmed, non-empty entry into `out`; returns the problem or "".
std::string parse_entry(std::string_view text, arming_entry& out) {
  std::string_view rest = text;
  std::string_view action_text;
  bool has_action = false;
  if (const auto eq = rest.find('='); eq != std::string_view::npos) {
    action_text = rest.substr(eq + 1);
    rest = rest.substr(0, eq);
    has_action = true;
  }
  std::string_view hit_text;
  bool has_hit = false;
  if (const auto at = rest.find('@'); at != std::string_view::npos) {
    hit_text = rest.substr(at + 1);
    rest = rest.substr(0, at);
    has_hit = true;
  }
  if (auto problem = check_name(rest); !problem.empty()) return problem;
  out.name = std::string(rest);
  if (has_hit) {
    const auto hit = parse_decimal<std::uint64_t>(hit_text);
    if (!hit || *hit == 0) {
      return "after `@`, expected a hit number: a positive integer such as `@2`";
    }
    out.hit = *hit;
  }
  if (has_action) {
    out.act = parse_action(action_text);
    if (!out.act) {
      return "after `=`, expected an action: abort, kill, exit(N) with N in 0..255, "
             "throw, error, or sleep(MS) with MS up to 86400000";
    }
  }
  return {};
}

}  // namespace

std::optional<action> parse_action(std::string_view text) {
  if (text == "abort") return action{action_kind::abort};
  if (text == "kill") return action{action_kind::kill};
  if (text == "throw") return action{action_kind::throw_};
  if (text == "error") return action{action_kind::error};
  if (const auto arg = call_argument(text, "exit")) {
    const auto code = parse_decimal<unsigned>(*arg);
    if (!code || *code > 255) return std::nullopt;
    return action{action_kind::exit, static_cast<int>(*code)};
  }
  if (const auto arg = call_argument(text, "sleep")) {
    const auto ms = parse_decimal<std::uint32_t>(*arg);
    if (!ms || *ms > max_sleep_ms) return std::nullopt;
    return action{action_kind::sleep, 0, *ms};
  }
  return std::nullopt;
}

std::string to_string(const action& act) {
  switch (act.kind) {
    case action_kind::abort: return "abort";
    case action_kind::kill: return "kill";
    case action_kind::exit: return "exit(" + std::to_string(act.exit_code) + ")";
    case action_kind::throw_: return "throw";
    case action_kind::error: return "error";
    case action_kind::sleep: return "sleep(" + std::to_string(act.sleep_ms) + ")";
  }
  return "?";
}

arming_list parse_arming(std::string_view text) {
  arming_list list;
  while (true) {
    const auto comma = text.find(',');
    const std::string_view entry = trim(text.substr(0, comma));
    if (!entry.empty()) {
      arming_entry parsed;
      if (auto problem = parse_entry(entry, parsed); problem.empty()) {
        list.entries.push_back(std::move(parsed));
      } else {
        list.errors.push_back({std::string(entry), std::move(problem)});
      }
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return list;
}

}  // namespace crashpoint
