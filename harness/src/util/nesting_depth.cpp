// SPDX-License-Identifier: Apache-2.0
// nesting_depth.cpp: a TOML structure scanner and a JSON bracket counter.
#include "util/nesting_depth.hpp"

#include <vector>

#include "util/utf8.hpp"

namespace crashpoint::harness {
namespace {

bool is_bare_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Walks TOML text keeping only what decides depth: the current table's depth
// (from the last header), the segments of the key being read, and a stack of
// open inline tables and arrays. Strings and comments are skipped whole.
class toml_scanner {
 public:
  toml_scanner(std::string_view text, std::size_t limit) : text_(text), limit_(limit) {}

  std::optional<depth_excess> run() {
    while (!excess_ && at_ < text_.size()) step();
    return excess_;
  }

 private:
  enum class mode { line_start, key, value };
  struct container {
    char kind;  // '[' or '{'
    std::size_t depth;
  };

  char peek(std::size_t ahead = 0) const { return at_ + ahead < text_.size() ? text_[at_ + ahead] : '\0'; }

  void advance() {
    const char c = text_[at_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if (!is_utf8_continuation(c)) {
      ++column_;  // a character starts here (not a UTF-8 continuation byte)
    }
  }

  void check(std::size_t depth, std::uint32_t line, std::uint32_t column) {
    if (depth > limit_ && !excess_) excess_ = depth_excess{line, column};
  }

  void skip_comment() {
    while (at_ < text_.size() && peek() != '\n') advance();
  }

  // Any of the four string forms, from its opening quote.
  void skip_string() {
    const char quote = peek();
    const bool multi = peek(1) == quote && peek(2) == quote;
    for (int i = 0; i < (multi ? 3 : 1); ++i) advance();
    while (at_ < text_.size()) {
      const char c = peek();
      if (c == '\\' && quote == '"') {
        advance();
        if (at_ < text_.size()) advance();
      } else if (c == quote && (!multi || (peek(1) == quote && peek(2) == quote))) {
        for (int i = 0; i < (multi ? 3 : 1); ++i) advance();
        // A multi-line string may end with up to two more quotes of its own.
        while (multi && peek() == quote) advance();
        return;
      } else if (c == '\n' && !multi) {
        return;  // unterminated: toml++ reports it
      } else {
        advance();
      }
    }
  }

  // Skips one segment of a key, bare or quoted.
  void skip_segment() {
    if (peek() == '"' || peek() == '\'') return skip_string();
    while (at_ < text_.size() && is_bare_key_char(peek())) advance();
  }

  // `[a.b]` or `[[a.b]]`, from its first bracket.
  void header() {
    const bool array = peek(1) == '[';
    advance();
    if (array) advance();
    std::size_t segments = 0;
    while (!excess_ && at_ < text_.size() && peek() != ']' && peek() != '\n') {
      const char c = peek();
      if (c == ' ' || c == '\t' || c == '.') {
        advance();
      } else if (c == '"' || c == '\'' || is_bare_key_char(c)) {
        check(++segments, line_, column_);  // each segment of a header opens a table
        skip_segment();
      } else {
        advance();  // not valid TOML: toml++ reports it
      }
    }
    table_depth_ = segments + (array ? 1 : 0);
    check(table_depth_, line_, column_);
    while (at_ < text_.size() && peek() == ']') advance();
    mode_ = mode::line_start;
  }

  std::size_t key_base() const { return stack_.empty() ? table_depth_ : stack_.back().depth; }

  void open(char kind) {
    const std::size_t parent =
        !stack_.empty() && stack_.back().kind == '[' ? stack_.back().depth : value_parent_;
    stack_.push_back({kind, parent + 1});
    check(parent + 1, line_, column_);
    advance();
    if (kind == '{') start_key();
  }

  void start_key() {
    mode_ = mode::key;
    segments_ = 0;
    segment_pending_ = true;
  }

  void close() {
    if (!stack_.empty()) stack_.pop_back();
    advance();
    mode_ = mode::value;
  }

  void in_key(char c) {
    if (c == '=') {
      value_parent_ = key_base() + (segments_ > 0 ? segments_ - 1 : 0);
      mode_ = mode::value;
      advance();
    } else if (c == '.') {
      segment_pending_ = true;
      advance();
    } else if ((c == '"' || c == '\'' || is_bare_key_char(c)) && segment_pending_) {
      // A segment followed by another opens a table, one level below the last.
      if (segments_ > 0) check(key_base() + segments_, segment_line_, segment_column_);
      segment_pending_ = false;
      ++segments_;
      segment_line_ = line_;
      segment_column_ = column_;
      skip_segment();
    } else if (c == '}') {
      close();  // an empty inline table
    } else {
      advance();
    }
  }

  void in_value(char c) {
    if (c == '[' || c == '{') {
      open(c);
    } else if (c == ']' || c == '}') {
      close();
    } else if (c == ',' && !stack_.empty() && stack_.back().kind == '{') {
      advance();
      start_key();
    } else if (c == '"' || c == '\'') {
      skip_string();
    } else {
      advance();
    }
  }

  void step() {
    const char c = peek();
    if (c == '#') return skip_comment();
    if (c == '\n') {
      advance();
      if (stack_.empty()) mode_ = mode::line_start;
      return;
    }
    if (c == ' ' || c == '\t' || c == '\r') return advance();
    if (mode_ == mode::line_start) {
      if (c == '[') return header();
      start_key();
    }
    if (mode_ == mode::key) return in_key(c);
    in_value(c);
  }

  std::string_view text_;
  std::size_t limit_;
  std::size_t at_ = 0;
  std::uint32_t line_ = 1, column_ = 1;
  mode mode_ = mode::line_start;
  std::size_t table_depth_ = 0;                          // of the table the last header opened
  std::size_t segments_ = 0;                             // of the key being read
  bool segment_pending_ = false;                         // a segment may start here
  std::uint32_t segment_line_ = 0, segment_column_ = 0;  // where the last one started
  std::size_t value_parent_ = 0;  // the depth of the table holding the value being read
  std::vector<container> stack_;
  std::optional<depth_excess> excess_;
};

}  // namespace

std::optional<depth_excess> toml_too_deep(std::string_view text, std::size_t limit) {
  return toml_scanner(text, limit).run();
}

std::size_t json_too_deep(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace crashpoint::harness
