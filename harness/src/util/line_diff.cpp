// SPDX-License-Identifier: Apache-2.0
// line_diff.cpp: common lines trimmed, an LCS table over the rest, hunks with context.
#include "util/line_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace crashpoint::harness {
namespace {

constexpr std::size_t context_lines = 3;
constexpr std::size_t max_output_lines = 40;
constexpr std::size_t max_line_bytes = 160;
// Lines of each text compared where they differ: the LCS table is
// (1 + this)^2 entries of 2 bytes.
constexpr std::size_t max_compared_lines = 1000;

// Lines with their newline, so that "a" and "a\n" differ.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size() - 1) + 1;
    lines.push_back(text.substr(at, end - at));
    at = end;
  }
  return lines;
}

struct edit {
  char op;           // ' ' same, '-' only expected, '+' only actual
  std::size_t a, b;  // line numbers (0-based) in expected and actual at this edit
};

// The edits turning a[0..n) into b[0..m): a longest common subsequence.
std::vector<edit> lcs_edits(const std::vector<std::string_view>& a, std::size_t a0, std::size_t n,
                            const std::vector<std::string_view>& b, std::size_t b0, std::size_t m) {
  // len[i][j]: the LCS of a[i..n) and b[j..m).
  std::vector<std::uint16_t> len((n + 1) * (m + 1), 0);
  const auto at = [&](std::size_t i, std::size_t j) -> std::uint16_t& { return len[i * (m + 1) + j]; };
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      at(i, j) = a[a0 + i] == b[b0 + j] ? static_cast<std::uint16_t>(at(i + 1, j + 1) + 1)
                                        : std::max(at(i + 1, j), at(i, j + 1));
    }
  }
  std::vector<edit> out;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[a0 + i] == b[b0 + j]) {
      out.push_back({' ', a0 + i++, b0 + j++});
    } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
      out.push_back({'-', a0 + i++, b0 + j});  // removals first, as diff -u shows them
    } else {
      out.push_back({'+', a0 + i, b0 + j++});
    }
  }
  return out;
}

std::string shown_line(char op, std::string_view line) {
  const bool newline = !line.empty() && line.back() == '\n';
  if (newline) line.remove_suffix(1);
  std::string out(1, op);
  std::size_t i = 0;
  for (; i < line.size() && out.size() < max_line_bytes; ++i) {
    const char c = line[i];
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else if (byte < 0x20 || byte == 0x7f)
      out += fmt::format("\\x{:02x}", byte);
    else
      out += c;
  }
  if (i < line.size()) out += fmt::format("[... {} more bytes]", line.size() - i);
  if (!newline) out += "\n\\ no newline at the end";
  return out;
}

// Runs of edits to show: each change with up to context_lines around it.
std::vector<std::pair<std::size_t, std::size_t>> hunks(const std::vector<edit>& edits) {
  std::vector<std::pair<std::size_t, std::size_t>> out;  // [first, last)
  for (std::size_t k = 0; k < edits.size(); ++k) {
    if (edits[k].op == ' ') continue;
    const std::size_t first = k >= context_lines ? k - context_lines : 0;
    if (!out.empty() && first <= out.back().second) {
      out.back().second = std::min(edits.size(), k + 1 + context_lines);
    } else {
      out.emplace_back(first, std::min(edits.size(), k + 1 + context_lines));
    }
  }
  return out;
}

std::string hunk_header(const std::vector<edit>& edits, std::size_t first, std::size_t last) {
  std::size_t a_count = 0, b_count = 0;
  for (std::size_t k = first; k < last; ++k) {
    a_count += edits[k].op != '+';
    b_count += edits[k].op != '-';
  }
  const std::size_t a = edits[first].a + (a_count > 0), b = edits[first].b + (b_count > 0);
  return fmt::format("@@ -{},{} +{},{} @@", a, a_count, b, b_count);
}

}  // namespace

bool is_multi_line(std::string_view text) {
  const std::size_t newline = text.find('\n');
  return newline != std::string_view::npos && newline + 1 < text.size();
}

std::string line_diff(std::string_view expected, std::string_view actual) {
  const auto a = split_lines(expected), b = split_lines(actual);
  std::size_t same_first = 0, same_last = 0;
  while (same_first < a.size() && same_first < b.size() && a[same_first] == b[same_first]) ++same_first;
  while (same_last < a.size() - same_first && same_last < b.size() - same_first &&
         a[a.size() - 1 - same_last] == b[b.size() - 1 - same_last]) {
    ++same_last;
  }
  const std::size_t n = a.size() - same_first - same_last, m = b.size() - same_first - same_last;
  if (n == 0 && m == 0) return "";
  const bool cut = n > max_compared_lines || m > max_compared_lines;
  std::vector<edit> edits;
  for (std::size_t k = same_first - std::min(same_first, context_lines); k < same_first; ++k) {
    edits.push_back({' ', k, k});
  }
  const auto middle = lcs_edits(a, same_first, std::min(n, max_compared_lines), b, same_first,
                                std::min(m, max_compared_lines));
  edits.insert(edits.end(), middle.begin(), middle.end());
  for (std::size_t k = 0; !cut && k < std::min(same_last, context_lines); ++k) {
    edits.push_back({' ', a.size() - same_last + k, b.size() - same_last + k});
  }
  std::vector<std::string> lines;
  std::size_t changes_left = 0;
  for (const auto& [first, last] : hunks(edits)) {
    if (lines.size() < max_output_lines) lines.push_back(hunk_header(edits, first, last));
    for (std::size_t k = first; k < last; ++k) {
      if (lines.size() < max_output_lines)
        lines.push_back(shown_line(edits[k].op, edits[k].op == '+' ? b[edits[k].b] : a[edits[k].a]));
      else
        changes_left += edits[k].op != ' ';
    }
  }
  if (changes_left > 0) lines.push_back(fmt::format("[... {} more changed lines]", changes_left));
  if (cut) {
    lines.push_back(fmt::format("[... the texts differ over more than {} lines: the rest is not compared]",
                                max_compared_lines));
  }
  std::string out;
  for (const std::string& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

}  // namespace crashpoint::harness
