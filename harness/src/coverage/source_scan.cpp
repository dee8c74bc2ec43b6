// SPDX-License-Identifier: Apache-2.0
// source_scan.cpp: walks source folders and finds checkpoint calls and --pattern matches.
#include "coverage/source_scan.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

namespace crashpoint::harness {

// `crashpoint_maybe_panic_at`, `maybe_fail_at_n`, `crashpoint::maybe_panic_at`,
// `fault_inject::maybe_fail_at`, ...: a call whose first argument is a string
// literal, with any whitespace (newlines too) between `(` and the literal.
// find_calls() below implements it; a unit test holds the two to agreement.
const char* const default_checkpoint_pattern =
    R"re((?:\bcrashpoint_|\b)maybe_(?:panic|fail)_at(?:_n)?\s*\(\s*"([^"\\\n]*)")re";

namespace {

constexpr std::array<std::string_view, 15> source_extensions{".c",  ".cc",   ".cpp", ".cxx",   ".h",
                                                             ".hh", ".hpp",  ".hxx", ".rs",    ".go",
                                                             ".py", ".java", ".kt",  ".swift", ".zig"};
constexpr std::array<std::string_view, 3> build_folders{"build", "target", "node_modules"};

std::optional<checkpoint_pattern> compile(const std::string& text, std::string& error) {
  std::string why;
  auto re = user_pattern::compile(text, why, /*multi_line=*/true);
  if (!re) {
    error = "--pattern `" + text + "`: not a valid regular expression (" + why + ")";
    return std::nullopt;
  }
  if (re->groups() < 1) {
    error = "--pattern `" + text + "`: needs a capture group: group 1 is the checkpoint name";
    return std::nullopt;
  }
  return checkpoint_pattern{text, std::move(*re)};
}

// The 0-based offsets at which lines start.
std::vector<std::size_t> line_starts(const std::string& text) {
  std::vector<std::size_t> starts{0};
  for (std::size_t i = text.find('\n'); i != std::string::npos; i = text.find('\n', i + 1)) {
    starts.push_back(i + 1);
  }
  return starts;
}

std::uint32_t line_at(const std::vector<std::size_t>& starts, std::size_t offset) {
  return static_cast<std::uint32_t>(std::upper_bound(starts.begin(), starts.end(), offset) - starts.begin());
}

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Whether `text` continues with `word` at `at`; moves `at` past it if so.
bool take(std::string_view text, std::size_t& at, std::string_view word) {
  if (text.compare(at, word.size(), word) != 0) return false;
  at += word.size();
  return true;
}

void skip_space(std::string_view text, std::size_t& at) {
  while (at < text.size() && is_space(text[at])) ++at;
}

// Whether the "maybe_" at `at` starts a call: nothing word-like before it but
// an optional `crashpoint_` prefix.
bool starts_call(std::string_view text, std::size_t at) {
  constexpr std::string_view prefix = "crashpoint_";
  if (at >= prefix.size() && text.compare(at - prefix.size(), prefix.size(), prefix) == 0)
    at -= prefix.size();
  return at == 0 || !is_word(text[at - 1]);
}

// The name of the call at `at` (just past "maybe_"): `panic_at` or `fail_at`,
// optional `_n`, `(`, a string literal without escapes. Sets `name_at`.
std::optional<std::string_view> call_name(std::string_view text, std::size_t at, std::size_t& name_at) {
  if (!take(text, at, "panic_at") && !take(text, at, "fail_at")) return std::nullopt;
  take(text, at, "_n");
  skip_space(text, at);
  if (!take(text, at, "(")) return std::nullopt;
  skip_space(text, at);
  if (!take(text, at, "\"")) return std::nullopt;
  const std::size_t end = text.find_first_of("\"\\\n", at);
  if (end == std::string_view::npos || text[end] != '"' || end == at) return std::nullopt;
  name_at = at;
  return text.substr(at, end - at);
}

// The built-in matcher: default_checkpoint_pattern, by hand. Adds (offset, name).
template <typename Add>
void find_calls(std::string_view text, Add add) {
  constexpr std::string_view stem = "maybe_";
  for (std::size_t at = text.find(stem); at != std::string_view::npos; at = text.find(stem, at + 1)) {
    std::size_t name_at = 0;
    if (!starts_call(text, at)) continue;
    if (const auto name = call_name(text, at + stem.size(), name_at)) add(name_at, std::string(*name));
  }
}

// Every source file under `folder`, not following links to folders.
void collect(const fs::path& folder, std::vector<fs::path>& files, std::vector<std::string>& warnings) {
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    std::error_code kind_ec;
    if (fs::is_directory(it->symlink_status(kind_ec))) {
      if (!is_skipped_folder(path)) collect(path, files, warnings);
    } else if (is_source_file(path) && fs::is_regular_file(it->status(kind_ec))) {
      files.push_back(path);
    }
  }
  if (ec) warnings.push_back(folder.string() + ": " + ec.message());
}

std::optional<std::string> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(text).str();
}

// How a definition names its file: relative to its folder, prefixed by the
// folder as given when several were.
std::string shown_path(const fs::path& file, const fs::path& folder, bool prefix) {
  const fs::path rel = file.lexically_relative(folder);
  return (prefix ? (folder / rel).lexically_normal() : rel).generic_string();
}

std::string folder_problem(const fs::path& folder) {
  std::error_code ec;
  const fs::file_status st = fs::status(folder, ec);
  if (!fs::exists(st)) return "--source " + folder.string() + ": no such folder";
  if (!fs::is_directory(st)) return "--source " + folder.string() + ": not a folder";
  fs::directory_iterator probe(folder, ec);
  if (ec) return "--source " + folder.string() + ": cannot read it (" + ec.message() + ")";
  return "";
}

void scan_file(const fs::path& file, const std::string& shown,
               const std::vector<checkpoint_pattern>& patterns, scan_result& out) {
  const auto text = read_text(file);
  if (!text) {
    out.warnings.push_back(file.string() + ": cannot read it");
    return;
  }
  ++out.files;
  for (name_match& m : scan_text(*text, patterns)) {
    out.definitions[std::move(m.name)].push_back({shown, m.line});
  }
}

}  // namespace

std::optional<std::vector<checkpoint_pattern>> compile_patterns(const std::vector<std::string>& extra,
                                                                std::string& error) {
  std::vector<checkpoint_pattern> out;
  for (const std::string& text : extra) {
    auto pattern = compile(text, error);
    if (!pattern) return std::nullopt;
    out.push_back(std::move(*pattern));
  }
  return out;
}

std::vector<name_match> scan_text(const std::string& text, const std::vector<checkpoint_pattern>& patterns) {
  std::set<std::pair<std::size_t, std::string>> seen;  // (offset of the name, name)
  const auto add = [&](std::size_t offset, std::string name) { seen.emplace(offset, std::move(name)); };
  find_calls(text, add);
  for (const checkpoint_pattern& p : patterns) {
    p.re.for_each_match(text, [&](std::size_t offset, std::string_view name) {
      if (!name.empty()) add(offset, std::string(name));
    });
  }
  std::vector<name_match> out;
  if (seen.empty()) return out;
  const std::vector<std::size_t> starts = line_starts(text);
  for (const auto& [offset, name] : seen) {
    const std::uint32_t line = line_at(starts, offset);
    if (out.empty() || out.back().name != name || out.back().line != line) out.push_back({name, line});
  }
  return out;
}

bool is_source_file(const fs::path& file) {
  const std::string ext = file.extension().string();
  return std::find(source_extensions.begin(), source_extensions.end(), ext) != source_extensions.end();
}

bool is_skipped_folder(const fs::path& folder) {
  const std::string name = folder.filename().string();
  return name.starts_with('.') ||
         std::find(build_folders.begin(), build_folders.end(), name) != build_folders.end();
}

scan_result scan_sources(const std::vector<fs::path>& folders,
                         const std::vector<checkpoint_pattern>& patterns) {
  scan_result out;
  for (const fs::path& folder : folders) {
    if (std::string problem = folder_problem(folder); !problem.empty())
      out.errors.push_back(std::move(problem));
  }
  if (!out.errors.empty()) return out;
  for (const fs::path& folder : folders) {
    std::vector<fs::path> files;
    collect(folder, files, out.warnings);
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files)
      scan_file(file, shown_path(file, folder, folders.size() > 1), patterns, out);
  }
  return out;
}

}  // namespace crashpoint::harness
