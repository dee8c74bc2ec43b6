// SPDX-License-Identifier: Apache-2.0
// point.cpp: the `sys:CALL@HIT[+][=error(ERRNO)]` grammar (see point.hpp).
#include "recorder/point.hpp"

#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "recorder/errno_names.hpp"
#include "util/did_you_mean.hpp"

namespace crashpoint::recorder {

namespace {

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

std::vector<std::string_view> call_names() {
  std::vector<std::string_view> names;
  for (const call_kind k : all_kinds()) names.push_back(name(k));
  for (const syscall_id s : all_syscalls()) {
    if (!kind_from_name(name(s))) names.push_back(name(s));
  }
  return names;
}

std::string with_hint(std::string message, std::string_view word,
                      const std::vector<std::string_view>& names) {
  if (const auto hint = harness::closest_match(word, names))
    message += fmt::format(" (did you mean '{}'?)", *hint);
  return message;
}

// A cursor over the text that makes errors point at a column.
class scanner {
 public:
  explicit scanner(std::string_view text) : text_(text) {}
  std::size_t pos() const { return pos_; }
  bool at_end() const { return pos_ == text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  bool eat(std::string_view s) {
    if (text_.substr(pos_).starts_with(s)) {
      pos_ += s.size();
      return true;
    }
    return false;
  }
  template <class Pred>
  std::string_view take_while(Pred pred) {
    const std::size_t start = pos_;
    while (!at_end() && pred(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // What is at the cursor, for messages: 'x', or "the end".
  std::string found() const { return at_end() ? "the end" : fmt::format("'{}'", text_[pos_]); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

parsed_point fail_at(std::size_t index, std::string message) {
  return parsed_point{std::nullopt, point_error{index + 1, std::move(message)}};
}

}  // namespace

bool point::selects(syscall_id call, call_kind call_is) const {
  if (kind) return *kind == call_is;
  if (syscall) return *syscall == call;
  return true;
}

std::string point::spec() const {
  std::string out = fmt::format("{}{}@{}", point_prefix,
                                kind      ? name(*kind)
                                : syscall ? name(*syscall)
                                          : std::string_view{"*"},
                                hit);
  if (when == timing::after) out += '+';
  if (what == action::fail) out += fmt::format("=error({})", errno_name(error));
  return out;
}

std::string_view point::action_name() const {
  if (what == action::fail) return "fail";
  return when == timing::before ? "kill-before" : "kill-after";
}

parsed_point parse_point(std::string_view text) {
  scanner s(text);
  if (!s.eat(point_prefix)) return fail_at(0, "expected 'sys:' at the start of a system-call point");

  point p;
  const std::size_t name_at = s.pos();
  if (!s.eat("*")) {
    const std::string_view word = s.take_while(is_name_char);
    if (word.empty())
      return fail_at(name_at, fmt::format("expected a call name or '*' after 'sys:', found {}", s.found()));
    p.kind = kind_from_name(word);
    if (!p.kind) p.syscall = syscall_from_name(word);
    if (!p.kind && !p.syscall) {
      return fail_at(name_at, with_hint(fmt::format("unknown call name '{}'", word), word, call_names()));
    }
  }

  if (!s.eat("@"))
    return fail_at(s.pos(),
                   fmt::format("expected '@' and a hit number after the call name, found {}", s.found()));
  const std::size_t hit_at = s.pos();
  const std::string_view digits = s.take_while([](char c) { return c >= '0' && c <= '9'; });
  if (digits.empty())
    return fail_at(hit_at, fmt::format("expected a hit number (1, 2, ...) after '@', found {}", s.found()));
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p.hit);
  if (ec != std::errc{} || p.hit > (std::uint64_t{1} << 62))
    return fail_at(hit_at, fmt::format("hit number {} is too large", digits));
  (void)end;
  if (p.hit == 0) return fail_at(hit_at, "hit numbers start at 1 (the first call is @1)");

  const std::size_t plus_at = s.pos();
  if (s.eat("+")) p.when = point::timing::after;

  if (s.eat("=")) {
    const std::size_t action_at = s.pos();
    if (!s.eat("error("))
      return fail_at(action_at, fmt::format("expected 'error(ERRNO)' after '=', found {}", s.found()));
    const std::size_t errno_at = s.pos();
    const std::string_view word = s.take_while([](char c) { return c != ')'; });
    const std::optional<int> error = errno_from_name(word);
    if (!error) {
      if (word.empty()) return fail_at(errno_at, "expected an errno name such as EIO inside error()");
      return fail_at(errno_at,
                     with_hint(fmt::format("unknown errno name '{}'", word), word, injectable_errno_names()));
    }
    if (!s.eat(")")) return fail_at(s.pos(), "expected ')' after the errno name");
    if (p.when == point::timing::after) {
      return fail_at(plus_at,
                     "'+' (crash after the call) cannot be combined with '=error(...)', which fails the call "
                     "instead of running it");
    }
    p.what = point::action::fail;
    p.error = *error;
  }
  if (!s.at_end()) {
    return fail_at(s.pos(),
                   fmt::format("unexpected {} after the hit number: expected '+', '=error(ERRNO)' or the end",
                               s.found()));
  }
  return parsed_point{p, {}};
}

}  // namespace crashpoint::recorder
