// SPDX-License-Identifier: Apache-2.0
// file_checks.cpp: `[[assert]] file = ...`: presence, `unchanged`, and the
// content checks, each reading no more of the file than it needs:
//
//   contains      streams the whole file in 64 KiB pieces (memory: the piece
//                 and the searched text), as far as the run's timeout allows;
//   equals        compares sizes first, then streams: reads at most as many
//                 bytes as the expected text holds;
//   equals_file   the same against the golden file, both streamed;
//   matches       reads the file whole, up to max_matched_file_bytes, and
//                 searches it if bytes x pattern instructions allow (user_pattern.hpp);
//   json          reads and parses it whole, up to max_json_file_bytes, nested
//                 at most max_json_depth deep.
// A failed equals or equals_file reads at most 64 KiB more, for its diff (a
// quote shows the first and last 200 bytes).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "check/assertions.hpp"
#include "check/quoting.hpp"
#include "util/nesting_depth.hpp"
#include "check/tree_walk.hpp"

namespace crashpoint::harness {
namespace {

// The file being checked, open, and how messages name it.
struct checked_file {
  const file_check& check;
  const opened_file& file;
  const check_budget& budget;
  std::string name;  // "file data/value"
};

void check_contains(std::vector<std::string>& out, const checked_file& f, const std::string& needle) {
  if (needle.empty()) return;
  const std::size_t overlap = needle.size() - 1;  // of a match across two pieces
  std::string carry;                              // the last `overlap` bytes read, at most
  bool found = false;
  read_pieces(f.file.fd.get(), f.budget, "reading " + f.name, [&](std::string_view piece) {
    carry.append(piece.substr(0, overlap));  // the joint: the end of the last piece, the start of this
    found = carry.find(needle) != std::string::npos || piece.find(needle) != std::string_view::npos;
    if (piece.size() >= overlap)
      carry.assign(piece.substr(piece.size() - overlap));
    else
      carry.erase(0, carry.size() - std::min(carry.size(), overlap));
    return !found;
  });
  if (found) return;
  out.push_back(f.name + " does not contain " + quote(needle) + "; it is " +
                quote_sample(sample_file(f.file.fd.get(), sample_tail_bytes)));
}

// Whether the file holds exactly `expected` (read only when the sizes agree).
bool holds_exactly(const checked_file& f, std::string_view expected) {
  if (f.file.size != expected.size()) return false;
  std::size_t at = 0;
  bool same = true;
  read_pieces(f.file.fd.get(), f.budget, "reading " + f.name, [&](std::string_view piece) {
    same = at <= expected.size() && expected.substr(at, piece.size()) == piece;  // it may have grown
    at += piece.size();
    return same;
  });
  return same && at == expected.size();
}

void check_equals(std::vector<std::string>& out, const checked_file& f, const std::string& expected) {
  if (holds_exactly(f, expected)) return;
  const text_sample actual = sample_file(f.file.fd.get(), shown_file_bytes);
  const std::string diff = multi_line_diff(expected, actual);
  out.push_back(diff.empty() ? f.name + " is " + quote_sample(actual) + ", expected " + quote(expected)
                             : f.name + " differs from the expected text (- expected, + actual):" + diff);
}

// Whether two open files hold the same bytes (read only when the sizes agree).
bool same_content(const checked_file& f, const opened_file& golden) {
  if (f.file.size != golden.size) return false;
  std::uint64_t at = 0;
  bool same = true;
  std::string expected(file_piece_bytes, '\0');
  read_pieces(f.file.fd.get(), f.budget, "reading " + f.name, [&](std::string_view piece) {
    const ssize_t n = ::pread(golden.fd.get(), expected.data(), piece.size(), static_cast<off_t>(at));
    same =
        n == static_cast<ssize_t>(piece.size()) && std::string_view(expected.data(), piece.size()) == piece;
    at += piece.size();
    return same;
  });
  return same && at == golden.size;
}

void check_equals_file(std::vector<std::string>& out, const checked_file& f, const fs::path& golden_path) {
  const std::string& name = *f.check.equals_file;
  const opened_file golden = open_for_check(AT_FDCWD, golden_path.c_str(), /*follow_links=*/true);
  if (!golden.problem.empty()) {
    out.push_back(f.name + ": golden file " + name + " " + golden.problem);
    return;
  }
  if (same_content(f, golden)) return;
  const text_sample actual = sample_file(f.file.fd.get(), shown_file_bytes);
  const text_sample expected = sample_file(golden.fd.get(), shown_file_bytes);
  const std::string diff = multi_line_diff(expected.head, actual);
  const std::string head = f.name + " differs from golden file " + name;
  out.push_back(diff.empty()
                    ? head + ": it is " + quote_sample(actual) + ", expected " + quote_sample(expected)
                    : head + " (- golden file, + actual):" + diff);
}

// The whole file, when it is at most `limit` bytes; else nullopt, reported
// as a failure that names the check and the limit.
std::optional<std::string> whole_text(std::vector<std::string>& out, const checked_file& f,
                                      std::string_view check, std::uint64_t limit) {
  if (f.file.size > limit) {
    out.push_back(f.name + " is " + std::to_string(f.file.size) + " bytes: `" + std::string(check) +
                  "` reads files of at most " + size_text(limit));
    return std::nullopt;
  }
  std::string text;
  read_pieces(f.file.fd.get(), f.budget, "reading " + f.name, [&](std::string_view piece) {
    if (text.size() + piece.size() > limit) return false;  // it grew since fstat
    text.append(piece);
    return true;
  });
  return text;
}

void check_matches(std::vector<std::string>& out, const checked_file& f, const std::string& pattern) {
  const auto text = whole_text(out, f, "matches", max_matched_file_bytes);
  if (!text) return;
  if (std::string failure = match_failure(f.name, *text, pattern); !failure.empty()) {
    out.push_back(std::move(failure));
  }
}

// A JSON value for a message: compact, shortened like a quote.
std::string shown_json(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > 2 * sample_tail_bytes) {
    text = text.substr(0, sample_tail_bytes) + "[... " + std::to_string(text.size() - 2 * sample_tail_bytes) +
           " bytes ...]" + text.substr(text.size() - sample_tail_bytes);
  }
  return text;
}

void check_json(std::vector<std::string>& out, const checked_file& f) {
  const file_check& c = f.check;
  const auto text = whole_text(out, f, "json", max_json_file_bytes);
  if (!text) return;
  // Comparing and printing recurse once per level: a deeper document is
  // refused before it is parsed.
  if (const std::size_t at = json_too_deep(*text, max_json_depth); at != std::string::npos) {
    out.push_back(f.name + " nests JSON more than " + std::to_string(max_json_depth) +
                  " levels deep (at byte " + std::to_string(at) + "): `json` compares documents at most " +
                  std::to_string(max_json_depth) + " levels deep");
    return;
  }
  const auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded()) {
    out.push_back(f.name + " is not valid JSON: " + quote(*text));
    return;
  }
  const std::string where = f.name + " at `" + *c.json_pointer + "`";
  try {
    const nlohmann::json::json_pointer ptr(*c.json_pointer);
    if (!doc.contains(ptr)) {
      out.push_back(where + ": no such value");
      return;
    }
    const auto expected = nlohmann::json::parse(*c.json_value);
    if (doc.at(ptr) != expected) {
      out.push_back(where + " is " + shown_json(doc.at(ptr)) + ", expected " + shown_json(expected));
    }
  } catch (const nlohmann::json::exception& e) {
    out.push_back(where + ": " + e.what());
  }
}

void check_content(std::vector<std::string>& out, const checked_file& f, const state_paths& paths) {
  const file_check& c = f.check;
  if (c.contains) check_contains(out, f, *c.contains);
  if (c.matches) check_matches(out, f, *c.matches);
  if (c.equals) check_equals(out, f, *c.equals);
  if (c.equals_file) check_equals_file(out, f, paths.scenario_dir / *c.equals_file);
  if (c.json_pointer) check_json(out, f);
}

void check_exists(std::vector<std::string>& out, const file_check& c, const fs::path& file) {
  const bool exists = path_exists(file);
  if (*c.exists != exists) {
    out.push_back("file " + c.path +
                  (exists ? " exists, expected it absent" : " is absent, expected it to exist"));
  }
}

void check_unchanged(std::vector<std::string>& out, const file_check& c, const state_paths& paths,
                     const check_budget& budget) {
  if (paths.before == nullptr) return;
  if (const auto it = paths.before->failed.find(c.path); it != paths.before->failed.end()) {
    out.push_back("file " + c.path + ": no snapshot before the crash run: " + it->second);
    return;
  }
  const auto before = paths.before->taken.find(c.path);
  if (before == paths.before->taken.end()) return;
  const tree_snapshot now =
      snapshot_tree(paths.work / c.path, c.path, budget, {/*with_root=*/true, /*with_samples=*/true});
  if (std::string d = first_difference(before->second, now, c.path); !d.empty()) out.push_back(std::move(d));
}

}  // namespace

std::vector<std::string> check_file(const file_check& c, const state_paths& paths,
                                    const check_budget& budget) {
  std::vector<std::string> out;
  const fs::path file = paths.work / c.path;
  const auto attempt = [&](auto check) {
    try {
      check();
    } catch (const check_failed& e) {
      out.push_back("file " + c.path + ": " + e.what());
    }
  };
  if (c.exists) attempt([&] { check_exists(out, c, file); });
  if (c.unchanged) attempt([&] { check_unchanged(out, c, paths, budget); });
  const bool reads = c.equals || c.contains || c.matches || c.equals_file || c.json_pointer;
  if (!reads) return out;
  const opened_file opened = open_for_check(AT_FDCWD, file.c_str(), /*follow_links=*/true);
  if (!opened.problem.empty()) {
    out.push_back("file " + c.path + " " + opened.problem);
    return out;
  }
  attempt([&] { check_content(out, {c, opened, budget, "file " + c.path}, paths); });
  return out;
}

}  // namespace crashpoint::harness
