// mini_xml.hpp: a strict little XML reader, enough to read back a JUnit report.
//
// No XML library is available, so the report tests parse the file themselves:
// the prolog, elements, attributes in double quotes, character data and the
// five named entities plus numeric references. Anything else (a raw '<' or '&'
// in text, a mismatched end tag, a comment, CDATA) is an error, so a report
// that this accepts is well-formed for the subset the harness writes.
//
//   const xml_element root = parse_xml(read_text(file));
//   CHECK(root.name == "testsuites");
//   CHECK(root.attr("tests") == "3");
//   for (const xml_element* tc : root.descendants("testcase")) ...
#pragma once

#include <cctype>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace crashpoint::test {

struct xml_element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attrs;  // decoded values, in order
  std::vector<xml_element> children;
  std::string text;  // the decoded character data directly inside, concatenated

  bool has(const std::string& key) const {
    for (const auto& [k, v] : attrs) {
      if (k == key) return true;
    }
    return false;
  }
  std::string attr(const std::string& key) const {
    for (const auto& [k, v] : attrs) {
      if (k == key) return v;
    }
    throw std::runtime_error("<" + name + "> has no attribute " + key);
  }
  // Every element named `n` below this one, in document order.
  std::vector<const xml_element*> descendants(const std::string& n) const {
    std::vector<const xml_element*> out;
    for (const xml_element& c : children) {
      if (c.name == n) out.push_back(&c);
      for (const xml_element* d : c.descendants(n)) out.push_back(d);
    }
    return out;
  }
};

namespace detail {

inline void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class xml_reader {
 public:
  explicit xml_reader(const std::string& doc) : s_(doc) {}

  xml_element document() {
    if (s_.compare(0, 5, "<?xml") == 0) {
      const auto end = s_.find("?>");
      if (end == std::string::npos) fail("unterminated prolog");
      i_ = end + 2;
    }
    skip_space();
    xml_element root = element();
    skip_space();
    if (i_ != s_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("XML error at byte " + std::to_string(i_) + ": " + what);
  }
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  void skip_space() {
    while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  std::string name() {
    const std::size_t start = i_;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == '-' ||
                         s_[i_] == ':' || s_[i_] == '.')) {
      ++i_;
    }
    if (i_ == start) fail("expected a name");
    return s_.substr(start, i_ - start);
  }
  // After '&': a named entity or a character reference.
  void reference(std::string& out) {
    const auto end = s_.find(';', i_);
    if (end == std::string::npos || end - i_ > 10) fail("'&' that starts no reference");
    const std::string ref = s_.substr(i_, end - i_);
    i_ = end + 1;
    if (ref == "lt") out += '<';
    else if (ref == "gt") out += '>';
    else if (ref == "amp") out += '&';
    else if (ref == "quot") out += '"';
    else if (ref == "apos") out += '\'';
    else if (ref.size() > 2 && ref.starts_with("#x")) append_utf8(out, code_point(ref.substr(2), 16));
    else if (ref.size() > 1 && ref[0] == '#') append_utf8(out, code_point(ref.substr(1), 10));
    else fail("unknown entity &" + ref + ";");
  }
  std::uint32_t code_point(const std::string& digits, int base) const {
    std::size_t used = 0;
    const unsigned long cp = std::stoul(digits, &used, base);
    if (used != digits.size() || cp > 0x10FFFF) fail("bad character reference " + digits);
    return static_cast<std::uint32_t>(cp);
  }
  std::string attribute_value() {
    expect('"');
    std::string out;
    while (peek() != '"') {
      if (at_end() || peek() == '<') fail("'<' or end of input in an attribute value");
      const char c = s_[i_++];
      if (c == '&') reference(out);
      // A parser normalizes literal white space in attributes to spaces.
      else out += (c == '\n' || c == '\t' || c == '\r') ? ' ' : c;
    }
    ++i_;
    return out;
  }
  xml_element element() {
    expect('<');
    xml_element e;
    e.name = name();
    for (;;) {
      skip_space();
      if (peek() == '/') {
        ++i_;
        expect('>');
        return e;
      }
      if (peek() == '>') break;
      std::string key = name();
      if (e.has(key)) fail("duplicate attribute " + key);
      expect('=');
      e.attrs.emplace_back(std::move(key), attribute_value());
    }
    ++i_;
    content(e);
    return e;
  }
  void content(xml_element& e) {
    for (;;) {
      if (at_end()) fail("unterminated <" + e.name + ">");
      if (s_.compare(i_, 2, "</") == 0) {
        i_ += 2;
        if (name() != e.name) fail("end tag does not match <" + e.name + ">");
        skip_space();
        expect('>');
        return;
      }
      if (peek() == '<') {
        if (s_.compare(i_, 2, "<!") == 0 || s_.compare(i_, 2, "<?") == 0) fail("unsupported markup");
        e.children.push_back(element());
      } else if (peek() == '&') {
        ++i_;
        reference(e.text);
      } else {
        if (peek() == '>' && i_ >= 2 && s_.compare(i_ - 2, 2, "]]") == 0) fail("']]>' in text");
        e.text += s_[i_++];
      }
    }
  }

  const std::string& s_;
  std::size_t i_ = 0;
};

}  // namespace detail

inline xml_element parse_xml(const std::string& doc) { return detail::xml_reader(doc).document(); }

// Whether `bytes` is valid UTF-8 made only of characters XML 1.0 allows
// (tab, newline, CR, U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF).
inline bool is_xml_text(const std::string& bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > bytes.size()) return false;
    std::uint32_t cp = n == 1 ? b : b & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(bytes[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[n]) return false;
    const bool ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                    (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!ok) return false;
    i += n;
  }
  return true;
}

}  // namespace crashpoint::test
