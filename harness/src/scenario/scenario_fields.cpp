// SPDX-License-Identifier: Apache-2.0
// scenario_fields.cpp: durations, end conditions, regexes, paths and JSON values.
#include "scenario/scenario_fields.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "util/duration.hpp"
#include "util/user_pattern.hpp"
#include "util/did_you_mean.hpp"
#include "util/signal_names.hpp"

namespace crashpoint::harness::loader {
namespace {

std::string signal_suggestion(std::string_view name) {
  std::vector<std::string_view> names;
  for (const signal_info& sig : known_signals()) names.push_back(sig.name);
  // "ABRT" and "sigabrt" are near misses too.
  std::string upper(name);
  for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  auto best = closest_match(upper.starts_with("SIG") ? upper : "SIG" + upper, names);
  return best ? " (did you mean \"" + std::string(*best) + "\"?)" : "";
}

constexpr std::string_view end_condition_what =
    "a signal name like \"SIGABRT\", an exit code 1..255, or \"any\"";

std::optional<end_condition> end_condition_from_int(const toml::node& node, std::string_view key,
                                                    std::int64_t code, diagnostics_sink& sink) {
  if (code >= 1 && code <= 255) {
    return end_condition{end_condition::kind::exit_code, static_cast<int>(code)};
  }
  std::string message = "`" + std::string(key) + "`: expected " + std::string(end_condition_what) + ", got " +
                        std::to_string(code);
  if (code == 0) message += " (a crash never ends with exit code 0)";
  sink.error(node, std::move(message));
  return std::nullopt;
}

std::optional<end_condition> end_condition_from_string(const toml::node& node, std::string_view key,
                                                       const std::string& text, diagnostics_sink& sink) {
  if (text == "any") return end_condition{end_condition::kind::any, 0};
  const signal_info* sig = signal_named(text);
  if (sig && sig->ends) return end_condition{end_condition::kind::signal, sig->number};
  std::string message =
      "`" + std::string(key) + "`: expected " + std::string(end_condition_what) + ", got " + in_quotes(text);
  message += sig ? " (" + text + " does not end a process)" : signal_suggestion(text);
  sink.error(node, std::move(message));
  return std::nullopt;
}

// Expected text is compared as written: placeholders expand only in commands
// and env values. A pattern holding one would match its braces literally,
// which is never what was meant; `\{checkpoint}` is the way to mean it.
std::string placeholder_in(std::string_view pattern) {
  for (std::string_view name : {"{target}", "{workdir}", "{checkpoint}", "{scenario_dir}", "{env_var}"}) {
    for (auto at = pattern.find(name); at != std::string_view::npos; at = pattern.find(name, at + 1)) {
      if (at == 0 || pattern[at - 1] != '\\') return std::string(name);
    }
  }
  return "";
}

// Compiling a pattern costs time in each run that uses it; no real pattern
// comes near this.
constexpr std::size_t max_pattern_bytes = 64 * 1024;

bool leaves_folder(const fs::path& relative) {
  int depth = 0;
  for (const fs::path& part : relative) {
    if (part == "..") {
      if (--depth < 0) return true;
    } else if (part != "." && !part.empty()) {
      ++depth;
    }
  }
  return false;
}

std::optional<std::string> workdir_path_problem(const std::string& path) {
  const std::string why = ": assertion paths are relative to the workdir and stay inside it";
  if (fs::path(path).is_absolute()) return in_quotes(path) + " is an absolute path" + why;
  for (std::string_view name : {"{workdir}", "{scenario_dir}", "{target}"}) {
    if (path.find(name) != std::string::npos) {
      return std::string(name) + " expands to an absolute path" + why;
    }
  }
  if (leaves_folder(path)) return in_quotes(path) + " leaves the workdir through \"..\"" + why;
  return std::nullopt;
}

bool valid_json_pointer(std::string_view p) {
  if (!p.empty() && p.front() != '/') return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '~' && (i + 1 == p.size() || (p[i + 1] != '0' && p[i + 1] != '1'))) return false;
  }
  return true;
}

std::optional<nlohmann::json> to_json(const toml::node& node, std::string& problem);

nlohmann::json table_to_json(const toml::table& t, std::string& problem) {
  auto object = nlohmann::json::object();
  for (auto&& [key, value] : t) {
    auto v = to_json(value, problem);
    if (v) object[std::string(key.str())] = std::move(*v);
  }
  return object;
}

nlohmann::json array_to_json(const toml::array& a, std::string& problem) {
  auto array = nlohmann::json::array();
  for (const toml::node& value : a) {
    auto v = to_json(value, problem);
    if (v) array.push_back(std::move(*v));
  }
  return array;
}

std::optional<nlohmann::json> to_json(const toml::node& node, std::string& problem) {
  if (const auto* t = node.as_table()) return table_to_json(*t, problem);
  if (const auto* a = node.as_array()) return array_to_json(*a, problem);
  if (const auto* s = node.as_string()) return nlohmann::json(s->get());
  if (const auto* i = node.as_integer()) return nlohmann::json(i->get());
  if (const auto* b = node.as_boolean()) return nlohmann::json(b->get());
  if (const auto* f = node.as_floating_point()) {
    if (std::isfinite(f->get())) return nlohmann::json(f->get());
    problem = "JSON has no infinity or NaN";
    return std::nullopt;
  }
  std::ostringstream text;  // dates and times: their TOML spelling, as a string
  if (const auto* d = node.as_date()) text << d->get();
  if (const auto* t = node.as_time()) text << t->get();
  if (const auto* dt = node.as_date_time()) text << dt->get();
  return nlohmann::json(text.str());
}

}  // namespace

std::optional<std::chrono::milliseconds> read_timeout(const table_reader& r, std::string_view key) {
  const toml::node* node = r.find(key);
  if (!node) return std::nullopt;
  const auto* text = node->as_string();
  auto d = text ? parse_duration(text->get()) : std::nullopt;
  if (!d) {
    report_expected(r.sink(), *node, key, "a duration string like \"30s\" or \"500ms\"");
    return std::nullopt;
  }
  if (*d < min_timeout || *d > max_timeout) {
    report_expected(
        r.sink(), *node, key,
        "a duration between " + format_duration(min_timeout) + " and " + format_duration(max_timeout));
    return std::nullopt;
  }
  return d;
}

std::optional<end_condition> read_end_condition(const table_reader& r, std::string_view key) {
  const toml::node* node = r.find(key);
  if (!node) return std::nullopt;
  if (const auto* i = node->as_integer()) {
    return end_condition_from_int(*node, key, i->get(), r.sink());
  }
  if (const auto* s = node->as_string()) {
    return end_condition_from_string(*node, key, s->get(), r.sink());
  }
  report_expected(r.sink(), *node, key, end_condition_what);
  return std::nullopt;
}

std::optional<std::string> read_regex(const table_reader& r, std::string_view key) {
  auto pattern = r.string(key);
  if (!pattern) return std::nullopt;
  const toml::node& node = *r.find(key);
  const std::string name = "`" + std::string(key) + "`: ";
  if (pattern->size() > max_pattern_bytes) {
    r.sink().error(node, name + "a regular expression of at most " + std::to_string(max_pattern_bytes) +
                             " bytes is expected");
    return std::nullopt;
  }
  std::string error;
  if (!user_pattern::compile(*pattern, error)) {  // as the runner compiles it
    r.sink().error(node, name + "invalid regular expression " + in_quotes(*pattern) + ": " + error);
    return std::nullopt;
  }
  if (const std::string placeholder = placeholder_in(*pattern); !placeholder.empty()) {
    r.sink().error(node, name + "the pattern " + in_quotes(*pattern) + " would match the text " +
                             placeholder + " itself; write \\" + placeholder +
                             " if that is meant (placeholders such as " + placeholder +
                             " are not expanded in expected text)");
    return std::nullopt;
  }
  return pattern;
}

std::optional<std::string> read_workdir_path(const table_reader& r, std::string_view key) {
  auto path = r.string(key, /*allow_empty=*/false);
  if (!path) return std::nullopt;
  if (auto problem = workdir_path_problem(*path)) {
    r.sink().error(*r.find(key), "`" + std::string(key) + "`: " + *problem);
    return std::nullopt;
  }
  return path;
}

std::optional<std::string> read_existing_path(const table_reader& r, std::string_view key,
                                              const fs::path& base, bool want_folder) {
  auto path = r.string(key, /*allow_empty=*/false);
  if (!path) return std::nullopt;
  fs::path full = (base / *path).lexically_normal();
  std::error_code ec;
  auto status = fs::status(full, ec);
  bool found = want_folder ? fs::is_directory(status) : fs::is_regular_file(status);
  if (found) return path;
  std::string kind = want_folder ? "folder" : "file";
  std::string message = "`" + std::string(key) + "`: ";
  message += fs::exists(status)
                 ? full.string() + " is not a " + kind
                 : "no " + kind + " at " + full.string() + " (paths are relative to the scenario file)";
  r.sink().error(*r.find(key), std::move(message));
  return std::nullopt;
}

std::optional<std::string> fixture_folder_problem(const fs::path& folder) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::error_code ec;
  const fs::path temp = fs::weakly_canonical(tmpdir && *tmpdir ? tmpdir : "/tmp", ec);
  if (ec) return std::nullopt;
  const fs::path dir = fs::canonical(folder, ec);
  if (ec) return std::nullopt;
  const auto [d, t] = std::mismatch(dir.begin(), dir.end(), temp.begin(), temp.end());
  if (d != dir.end()) return std::nullopt;  // `dir` is not `temp` or a folder above it
  return dir.string() + " holds " + temp.string() +
         ", where run workdirs are made: each copy would copy itself "
         "(a fixture is a folder of test data, copied into every workdir)";
}

std::optional<std::string> read_json_pointer(const table_reader& r, std::string_view key) {
  auto pointer = r.string(key);
  if (!pointer) return std::nullopt;
  if (valid_json_pointer(*pointer)) return pointer;
  report_expected(r.sink(), *r.find(key), key,
                  "a JSON Pointer like \"/items/0/name\" (empty, or starting with \"/\")");
  return std::nullopt;
}

std::optional<std::string> read_json_value(const table_reader& r, std::string_view key) {
  const toml::node* node = r.find(key);
  if (!node) return std::nullopt;
  std::string problem;
  auto json = to_json(*node, problem);
  if (!problem.empty()) {
    r.sink().error(*node, "`" + std::string(key) + "`: " + problem);
    return std::nullopt;
  }
  return json->dump();
}

}  // namespace crashpoint::harness::loader
