// SPDX-License-Identifier: Apache-2.0
// scenario_loader.cpp: finds scenario and suite files, parses them, and groups
// each scenario under the nearest crashpoint.toml.
//
// Every file is read and parsed before any is validated, so that `.toml` files
// a scenario uses as data (inside its fixture folder, or as a golden file) are
// known and not mistaken for scenarios when a folder is searched.
#include "scenario/scenario_loader.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "scenario/scenario_parser.hpp"
#include "scenario/toml_reader.hpp"

namespace crashpoint::harness {
namespace {

constexpr std::string_view suite_file_name = "crashpoint.toml";
// Far beyond any real scenario (10,000 checkpoints take about 300 KB); a cap
// keeps a stray huge file from being read whole.
constexpr std::uintmax_t max_file_bytes = std::uintmax_t{16} << 20;

// A path from the command line: a folder to search, or one scenario file.
struct root_path {
  fs::path path;
  bool folder = false;
};

// A scenario file; `given` when named on the command line, not found by a search.
struct found_file {
  fs::path file;
  bool given = false;
  std::size_t root = 0;  // which command-line path found it, in the order given
};

// What makes two paths one file: its device and inode (through any link).
using file_identity = std::pair<dev_t, ino_t>;

std::optional<file_identity> identity_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return std::nullopt;
  return file_identity{st.st_dev, st.st_ino};
}

// A file as toml++ parsed it, or why it could not.
struct parsed_file {
  std::optional<toml::table> table;
  std::optional<diagnostic> error;
};

// Absolute and lexically normal, without a trailing separator.
fs::path absolute_path(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec).lexically_normal();
  if (ec) abs = p.lexically_normal();
  if (!abs.has_filename() && abs.has_relative_path()) abs = abs.parent_path();
  return abs;
}

bool is_inside(const fs::path& file, const fs::path& folder) {
  auto [f, p] = std::mismatch(folder.begin(), folder.end(), file.begin(), file.end());
  return f == folder.end();
}

bool is_hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > 1 && name.front() == '.';
}

bool is_scenario_name(const fs::path& p) {
  return p.extension() == ".toml" && p.filename() != suite_file_name && !is_hidden(p);
}

// Hidden folders (.git, editor state) are skipped; symlinked folders are not followed.
void search_folder(const fs::path& folder, std::vector<found_file>& out, std::vector<diagnostic>& errors) {
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code kind_ec;
    if (it->is_directory(kind_ec) && is_hidden(it->path())) {
      it.disable_recursion_pending();
    } else if (is_scenario_name(it->path()) && it->is_regular_file(kind_ec)) {
      out.push_back({it->path(), false});
    }
  }
  if (ec) errors.push_back({{folder, 0, 0}, "cannot search this folder: " + ec.message()});
}

// A named crashpoint.toml stands for its folder: it is a suite, never a scenario.
void add_root(const fs::path& given, std::vector<root_path>& roots, std::vector<found_file>& files,
              std::vector<diagnostic>& errors) {
  fs::path path = absolute_path(given);
  auto same = [&](const root_path& r) { return r.path == path; };
  if (std::any_of(roots.begin(), roots.end(), same)) return;  // named twice
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (!fs::exists(status)) {
    errors.push_back({{path, 0, 0}, "no such file or folder"});
  } else if (fs::is_directory(status) || path.filename() == suite_file_name) {
    fs::path folder = fs::is_directory(status) ? path : path.parent_path();
    roots.push_back({folder, true});
    const std::size_t first = files.size();
    search_folder(folder, files, errors);
    for (std::size_t i = first; i < files.size(); ++i) files[i].root = roots.size() - 1;
  } else {
    roots.push_back({path, false});
    files.push_back({path, true, roots.size() - 1});
  }
}

// Sorted, each file once; a file both named and found counts as named.
void deduplicate(std::vector<found_file>& files) {
  std::sort(files.begin(), files.end(), [](const found_file& a, const found_file& b) {
    return std::tie(a.file, b.given) < std::tie(b.file, a.given);  // given first
  });
  files.erase(std::unique(files.begin(), files.end(),
                          [](const found_file& a, const found_file& b) { return a.file == b.file; }),
              files.end());
}

// Each file once, whatever the paths that reach it (a folder and a link to it,
// a hard link): the path found through the earliest command-line path stays.
void keep_one_path_per_file(std::vector<found_file>& files) {
  std::vector<std::size_t> order(files.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return files[a].root < files[b].root; });
  std::set<file_identity> seen;
  std::vector<bool> keep(files.size(), true);
  for (std::size_t i : order) {
    const auto id = identity_of(files[i].file);
    if (id && !seen.insert(*id).second) keep[i] = false;
  }
  std::size_t i = 0;
  std::erase_if(files, [&](const found_file&) { return !keep[i++]; });
}

parsed_file parse_file(const fs::path& file) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec) return {std::nullopt, diagnostic{{file, 0, 0}, "cannot read: " + ec.message()}};
  if (size > max_file_bytes) {
    return {std::nullopt, diagnostic{{file, 0, 0}, "larger than 16 MiB: not a scenario file"}};
  }
  std::ifstream in(file, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(text.size()))) {
    return {std::nullopt, diagnostic{{file, 0, 0}, "cannot read this file"}};
  }
  std::vector<diagnostic> errors;
  loader::diagnostics_sink sink(file, errors);
  auto table = loader::parse_toml(text, sink);
  if (!table) return {std::nullopt, errors.front()};
  return {std::move(table), std::nullopt};
}

// Paths the scenario `file` uses as data: its fixture folder and golden files.
// A fixture holding the scenario itself (`fixture = "."`) is no data folder.
void add_data_paths(const toml::table& t, const fs::path& file, std::vector<fs::path>& out) {
  const fs::path dir = file.parent_path();
  if (auto fixture = t["setup"]["fixture"].value_exact<std::string>()) {
    fs::path folder = absolute_path(dir / *fixture);
    if (!is_inside(file, folder)) out.push_back(folder);
  }
  const toml::array* asserts = t["assert"].as_array();
  for (std::size_t i = 0; asserts && i < asserts->size(); ++i) {
    const toml::table* entry = (*asserts)[i].as_table();
    auto golden = entry ? (*entry)["equals_file"].value_exact<std::string>() : std::nullopt;
    if (golden) out.push_back(absolute_path(dir / *golden));
  }
}

// Drops searched-for files that other scenarios use as data.
void drop_data_files(std::vector<found_file>& files, std::map<fs::path, parsed_file>& parsed) {
  std::vector<fs::path> data;
  for (const auto& [file, p] : parsed) {
    if (p.table) add_data_paths(*p.table, file, data);
  }
  std::erase_if(files, [&](const found_file& f) {
    return !f.given &&
           std::any_of(data.begin(), data.end(), [&](const fs::path& d) { return is_inside(f.file, d); });
  });
}

void report_empty_folders(const std::vector<root_path>& roots, const std::vector<found_file>& files,
                          std::vector<diagnostic>& errors) {
  for (const root_path& root : roots) {
    bool empty = root.folder && std::none_of(files.begin(), files.end(), [&](const found_file& f) {
                   return is_inside(f.file, root.path);
                 });
    if (empty) {
      errors.push_back({{root.path, 0, 0}, "no scenario files under " + root.path.string()});
    }
  }
}

std::optional<fs::path> find_suite(const fs::path& scenario_file) {
  for (fs::path dir = scenario_file.parent_path();; dir = dir.parent_path()) {
    std::error_code ec;
    if (fs::is_regular_file(dir / suite_file_name, ec)) return dir / suite_file_name;
    if (dir.parent_path() == dir || dir.parent_path().empty()) return std::nullopt;
  }
}

// The suites by file identity: one suite file reached through two paths is one
// suite, known by the path that reached it first.
using suite_map = std::map<file_identity, loaded_suite>;

loaded_suite& suite_at(const fs::path& file, suite_map& suites, std::vector<diagnostic>& errors) {
  // find_suite() saw it as a regular file; if it vanished since, its path alone keys it.
  const file_identity id =
      identity_of(file).value_or(file_identity{0, std::hash<std::string>{}(file.string())});
  auto [it, inserted] = suites.try_emplace(id);
  loaded_suite& s = it->second;
  if (!inserted) return s;
  s.target.file = file;
  s.target.dir = file.parent_path();
  parsed_file parsed = parse_file(file);
  if (parsed.error) {
    errors.push_back(*parsed.error);
  } else {
    loader::diagnostics_sink sink(file, errors);
    loader::parse_suite(*parsed.table, sink, s.target);
  }
  return s;
}

// "deposit/basic" for <suite dir>/deposit/basic.toml.
std::string scenario_name(const fs::path& file, const fs::path& suite_dir) {
  fs::path relative = file.lexically_relative(suite_dir);
  if (relative.extension() == ".toml") relative.replace_extension();
  return relative.generic_string();
}

// Parses one scenario into its suite; without a suite, only reports its errors.
void load_scenario(const fs::path& file, const parsed_file& parsed, suite_map& suites,
                   std::vector<diagnostic>& errors) {
  auto suite_file = find_suite(file);
  if (!suite_file) {
    errors.push_back({{file, 0, 0},
                      "no " + std::string(suite_file_name) + " in " + file.parent_path().string() +
                          " or any folder above it: each scenario needs a suite file"});
  }
  if (parsed.error) {
    errors.push_back(*parsed.error);
    return;
  }
  loaded_suite* owner = suite_file ? &suite_at(*suite_file, suites, errors) : nullptr;
  scenario s;
  s.file = file;
  loader::diagnostics_sink sink(file, errors);
  const suite fallback;  // defaults, to check an orphan scenario all the same
  loader::parse_scenario(*parsed.table, owner ? owner->target : fallback, sink, s);
  if (!owner) return;
  // Relative to the suite folder this path reached, which may be a link to the
  // folder the suite is known by.
  s.name = scenario_name(file, suite_file->parent_path());
  owner->scenarios.push_back(std::move(s));
}

// The deepest folder that holds every one of `folders` (absolute, normal).
fs::path common_folder(const std::vector<fs::path>& folders) {
  fs::path common = folders.front();
  for (const fs::path& f : folders) {
    fs::path shared;
    for (auto a = common.begin(), b = f.begin(); a != common.end() && b != f.end() && *a == *b; ++a, ++b) {
      shared /= *a;
    }
    common = shared;
  }
  return common;
}

// With several suites, scenario names (and so run ids) start with the suite's
// folder relative to the folder common to all suites: `app/scenarios/save` and
// `lib/scenarios/save`, never `save` twice. The names stay the scenario files'
// paths from that common folder, so they are unique.
void prefix_suite_folders(std::vector<loaded_suite>& suites) {
  if (suites.size() < 2) return;
  std::vector<fs::path> folders;
  for (const loaded_suite& s : suites) folders.push_back(s.target.dir);
  const fs::path common = common_folder(folders);
  for (loaded_suite& s : suites) {
    for (scenario& sc : s.scenarios) {
      sc.name = (s.target.dir / sc.name).lexically_relative(common).generic_string();
    }
  }
}

void sort_output(load_result& result) {
  std::sort(result.suites.begin(), result.suites.end(),
            [](const loaded_suite& a, const loaded_suite& b) { return a.target.file < b.target.file; });
  for (loaded_suite& s : result.suites) {
    std::sort(s.scenarios.begin(), s.scenarios.end(),
              [](const scenario& a, const scenario& b) { return a.name < b.name; });
  }
  std::stable_sort(result.errors.begin(), result.errors.end(), [](const diagnostic& a, const diagnostic& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) <
           std::tie(b.where.file, b.where.line, b.where.column);
  });
}

}  // namespace

load_result load_scenarios(const std::vector<fs::path>& paths) {
  load_result result;
  std::vector<root_path> roots;
  std::vector<found_file> files;
  for (const fs::path& p : paths) add_root(p, roots, files, result.errors);
  deduplicate(files);
  std::map<fs::path, parsed_file> parsed;
  for (const found_file& f : files) parsed.emplace(f.file, parse_file(f.file));
  drop_data_files(files, parsed);
  report_empty_folders(roots, files, result.errors);
  keep_one_path_per_file(files);
  suite_map suites;
  for (const found_file& f : files) load_scenario(f.file, parsed.at(f.file), suites, result.errors);
  for (auto& [id, s] : suites) result.suites.push_back(std::move(s));
  prefix_suite_folders(result.suites);
  sort_output(result);
  return result;
}

}  // namespace crashpoint::harness
