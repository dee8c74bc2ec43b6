// SPDX-License-Identifier: Apache-2.0
// assertions.cpp: command checks, glob counts, quoting and diffs of expected text.
// The checks on a file are in file_checks.cpp.
#include "check/assertions.hpp"
#include "check/quoting.hpp"

#include <fnmatch.h>

#include <fmt/format.h>

#include "util/line_diff.hpp"
#include "check/tree_walk.hpp"
#include "util/user_pattern.hpp"

namespace crashpoint::harness {
namespace {

// The contains/matches/equals checks on one text in memory, named `what`.
void check_text(std::vector<std::string>& out, const std::string& what, const std::string& text,
                const std::optional<std::string>& contains, const std::optional<std::string>& matches,
                const std::optional<std::string>& equals) {
  if (contains && text.find(*contains) == std::string::npos) {
    out.push_back(what + " does not contain " + quote(*contains) + "; it is " + quote(text));
  }
  if (matches) {
    if (std::string failure = match_failure(what, text, *matches); !failure.empty()) {
      out.push_back(std::move(failure));
    }
  }
  if (equals && text != *equals) {
    const std::string diff = multi_line_diff(*equals, sample_text(text, text.size()));
    out.push_back(diff.empty() ? what + " is " + quote(text) + ", expected " + quote(*equals)
                               : what + " differs from the expected text (- expected, + actual):" + diff);
  }
}

std::vector<std::string> split_segments(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    if (end > start) out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool segment_matches(const std::string& pattern, const std::string& segment) {
  return ::fnmatch(pattern.c_str(), segment.c_str(), 0) == 0;
}

// Whether pattern segments match path segments whole: a table over
// (pattern prefix, path prefix), so `**` costs no backtracking.
bool match_segments(const std::vector<std::string>& pat, const std::vector<std::string>& segs) {
  std::vector<char> before(pat.size() + 1, 0), now(pat.size() + 1, 0);
  before[0] = 1;  // no segments of either
  for (std::size_t p = 0; p < pat.size(); ++p) before[p + 1] = before[p] && pat[p] == "**";
  for (const std::string& seg : segs) {
    now[0] = 0;
    for (std::size_t p = 0; p < pat.size(); ++p) {
      now[p + 1] = pat[p] == "**" ? (now[p] || before[p + 1])  // `**` takes none, or one more
                                  : (before[p] && segment_matches(pat[p], seg));
    }
    std::swap(before, now);
  }
  return before[pat.size()] != 0;
}

// Whether a path below the folder `segs` may match: the folder matches a
// start of the pattern that leaves something to match below it.
bool may_hold_match(const std::vector<std::string>& pat, const std::vector<std::string>& segs) {
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (i >= pat.size()) return false;
    if (pat[i] == "**") return true;
    if (!segment_matches(pat[i], segs[i])) return false;
  }
  return segs.size() < pat.size();
}

std::string glob_listing(const std::vector<std::string>& matched, std::uint64_t count) {
  std::string list;
  for (std::size_t i = 0; i < matched.size(); ++i) list += (i ? ", " : "") + matched[i];
  if (count > matched.size()) list += ", ...";
  return list;
}

}  // namespace

std::string match_failure(const std::string& what, std::string_view text, const std::string& pattern) {
  std::string error;
  const auto compiled = user_pattern::compile(pattern, error);
  if (!compiled) return what + ": the pattern /" + pattern + "/ cannot be used: " + error;
  if (std::string costly = compiled->cost_problem(text.size()); !costly.empty()) {
    return what + " cannot be searched for /" + pattern + "/: " + costly;
  }
  if (compiled->found_in(text)) return "";
  return what + " does not match /" + pattern + "/; it is " + quote(text);
}

std::string multi_line_diff(std::string_view expected, const text_sample& actual) {
  if (!is_multi_line(expected) && !is_multi_line(actual.head)) return "";
  std::string out = "\n" + line_diff(expected, actual.head);
  if (!actual.whole()) {
    out += fmt::format("\n[... compared with the first {} of its {} bytes]", size_text(actual.head.size()),
                       actual.size);
  }
  return out;
}

std::vector<std::string> check_command_result(const command_check& check, const command_result& result) {
  std::vector<std::string> out;
  const int want = check.exit_code.value_or(0);
  const exit_status& st = result.status;
  if (st.k != exit_status::kind::exited || st.code != want) {
    out.push_back("ended with " + st.describe() + ", expected exit " + std::to_string(want));
  }
  check_text(out, "stdout", result.out.text, check.stdout_contains, check.stdout_matches,
             check.stdout_equals);
  check_text(out, "stderr", result.err.text, check.stderr_contains, check.stderr_matches,
             check.stderr_equals);
  return out;
}

bool path_glob_match(std::string_view pattern, std::string_view path) {
  return match_segments(split_segments(pattern), split_segments(path));
}

std::vector<std::string> check_glob(const glob_check& c, const fs::path& work, const check_budget& budget) {
  const auto pattern = split_segments(c.pattern);
  std::vector<std::string> matched;  // the first ten, for the message
  std::uint64_t count = 0;
  try {
    walk_tree(work, ".", budget, [&](const walk_entry& e) {
      if (e.depth == 0) return true;
      const auto segs = split_segments(e.rel);
      if (match_segments(pattern, segs) && ++count <= 10) matched.emplace_back(e.rel);
      return may_hold_match(pattern, segs);
    });
  } catch (const check_failed& e) {
    return {"glob " + c.pattern + ": " + e.what()};
  }
  if (count == c.count) return {};
  return {"glob " + c.pattern + " matches " + std::to_string(count) + " path(s), expected " +
          std::to_string(c.count) + (matched.empty() ? "" : ": " + glob_listing(matched, count))};
}

void snapshot_path(const std::string& rel, const fs::path& work, const check_budget& budget,
                   unchanged_snapshots& into) {
  try {
    into.taken[rel] = snapshot_tree(work / rel, rel, budget, {/*with_root=*/true, /*with_samples=*/true});
  } catch (const check_failed& e) {
    into.failed[rel] = e.what();
  }
}

}  // namespace crashpoint::harness
