// assertions.cpp: command, file, JSON and glob checks.
#include "assertions.hpp"

#include <fnmatch.h>

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "user_pattern.hpp"

namespace crashpoint::harness {
namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Why `text` fails `matches = pattern`, or "" when it matches.
std::string match_failure(const std::string& what, const std::string& text, const std::string& pattern) {
  std::string error;
  const auto compiled = user_pattern::compile(pattern, error);
  if (!compiled) return what + ": the pattern /" + pattern + "/ cannot be used: " + error;
  if (std::string costly = compiled->cost_problem(text.size()); !costly.empty()) {
    return what + " cannot be searched for /" + pattern + "/: " + costly;
  }
  if (compiled->found_in(text)) return "";
  return what + " does not match /" + pattern + "/; it is " + quote(text);
}

// The contains/matches/equals checks on one text, named `what`.
void check_text(std::vector<std::string>& out, const std::string& what, const std::string& text,
                const std::optional<std::string>& contains,
                const std::optional<std::string>& matches,
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
    out.push_back(what + " is " + quote(text) + ", expected " + quote(*equals));
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

bool match_segments(const std::vector<std::string>& pat, std::size_t p,
                    const std::vector<std::string>& segs, std::size_t s) {
  if (p == pat.size()) return s == segs.size();
  if (pat[p] == "**") {
    for (std::size_t k = s; k <= segs.size(); ++k) {
      if (match_segments(pat, p + 1, segs, k)) return true;
    }
    return false;
  }
  return s < segs.size() && ::fnmatch(pat[p].c_str(), segs[s].c_str(), 0) == 0 &&
         match_segments(pat, p + 1, segs, s + 1);
}

// Whether two paths (files, folders, links, or absent) hold the same thing.
std::string difference(const fs::path& a, const fs::path& b, const std::string& rel) {
  const auto sa = fs::symlink_status(a), sb = fs::symlink_status(b);
  if (sa.type() != sb.type()) {
    return rel + " was " + (fs::exists(sa) ? "present" : "absent") + " before the crash and is " +
           (fs::exists(sb) ? "present" : "absent") + " now (or changed type)";
  }
  if (fs::is_symlink(sa)) {
    return fs::read_symlink(a) == fs::read_symlink(b) ? "" : rel + " points elsewhere now";
  }
  if (fs::is_regular_file(sa)) {
    return read_file(a) == read_file(b) ? "" : rel + " changed: it was " + quote(read_file(a)) +
                                                   " and is " + quote(read_file(b));
  }
  if (!fs::is_directory(sa)) return "";
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(a)) names.insert(e.path().filename());
  for (const auto& e : fs::directory_iterator(b)) names.insert(e.path().filename());
  for (const std::string& n : names) {
    if (auto d = difference(a / n, b / n, rel + "/" + n); !d.empty()) return d;
  }
  return "";
}

void check_json(std::vector<std::string>& out, const file_check& c, const std::string& text) {
  const std::string where = "file " + c.path + " at `" + *c.json_pointer + "`";
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    out.push_back("file " + c.path + " is not valid JSON: " + quote(text));
    return;
  }
  const nlohmann::json::json_pointer ptr(*c.json_pointer);
  if (!doc.contains(ptr)) {
    out.push_back(where + ": no such value");
    return;
  }
  const auto expected = nlohmann::json::parse(*c.json_value);
  if (doc.at(ptr) != expected) {
    out.push_back(where + " is " + doc.at(ptr).dump() + ", expected " + expected.dump());
  }
}

}  // namespace

std::string quote(std::string_view text) {
  std::string shown(text);
  if (shown.size() > 400) {
    shown = shown.substr(0, 200) + "[... " + std::to_string(shown.size() - 400) + " bytes ...]" +
            shown.substr(shown.size() - 200);
  }
  std::string out = "\"";
  for (char c : shown) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '"' || c == '\\') out += std::string("\\") + c;
    else if (byte < 0x20 || byte == 0x7f) out += fmt::format("\\x{:02x}", byte);  // NUL, ESC...
    else out += c;
  }
  return out + "\"";
}

std::vector<std::string> check_command_result(const command_check& check,
                                              const command_result& result) {
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

std::vector<std::string> check_file(const file_check& c, const state_paths& paths) {
  std::vector<std::string> out;
  const fs::path file = paths.work / c.path;
  std::error_code ec;
  const bool exists = fs::exists(fs::symlink_status(file, ec));
  if (c.exists && *c.exists != exists) {
    out.push_back("file " + c.path + (exists ? " exists, expected it absent" : " is absent, expected it to exist"));
  }
  if (c.unchanged) {
    if (auto d = difference(paths.before / c.path, file, c.path); !d.empty()) out.push_back(d);
  }
  const bool reads = c.equals || c.contains || c.matches || c.equals_file || c.json_pointer;
  if (!reads) return out;
  if (!fs::is_regular_file(file, ec)) {
    out.push_back("file " + c.path + " is " + (exists ? "not a regular file" : "absent"));
    return out;
  }
  const std::string text = read_file(file);
  check_text(out, "file " + c.path, text, c.contains, c.matches, c.equals);
  if (c.equals_file) {
    const std::string golden = read_file(paths.scenario_dir / *c.equals_file);
    if (text != golden) {
      out.push_back("file " + c.path + " differs from golden file " + *c.equals_file + ": it is " +
                    quote(text) + ", expected " + quote(golden));
    }
  }
  if (c.json_pointer) check_json(out, c, text);
  return out;
}

bool path_glob_match(std::string_view pattern, std::string_view path) {
  return match_segments(split_segments(pattern), 0, split_segments(path), 0);
}

std::vector<std::string> check_glob(const glob_check& c, const fs::path& work) {
  std::vector<std::string> matched;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(work, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(work).generic_string();
    if (path_glob_match(c.pattern, rel)) matched.push_back(rel);
  }
  if (matched.size() == c.count) return {};
  std::string list;
  for (std::size_t i = 0; i < matched.size() && i < 10; ++i) list += (i ? ", " : "") + matched[i];
  if (matched.size() > 10) list += ", ...";
  return {"glob " + c.pattern + " matches " + std::to_string(matched.size()) + " path(s), expected " +
          std::to_string(c.count) + (matched.empty() ? "" : ": " + list)};
}

void snapshot_path(const std::string& rel, const fs::path& work, const fs::path& before) {
  const fs::path from = work / rel, to = before / rel;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(from, ec))) return;
  fs::create_directories(to.parent_path());
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
}

}  // namespace crashpoint::harness
