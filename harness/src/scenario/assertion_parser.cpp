// SPDX-License-Identifier: Apache-2.0
// assertion_parser.cpp: [[recover]] and [[assert]] entries -> command_check, assertion.
#include <algorithm>
#include <array>
#include <limits>

#include "scenario/scenario_fields.hpp"
#include "scenario/scenario_parser.hpp"

namespace crashpoint::harness::loader {
namespace {

constexpr std::array<std::string_view, 8> command_keys{"command",        "exit_code",     "stdout_contains",
                                                       "stdout_matches", "stdout_equals", "stderr_contains",
                                                       "stderr_matches", "stderr_equals"};
constexpr std::array<std::string_view, 9> file_keys{"file",        "exists", "equals", "contains", "matches",
                                                    "equals_file", "json",   "value",  "unchanged"};
constexpr std::array<std::string_view, 2> glob_keys{"glob", "count"};
constexpr std::array<std::string_view, 1> cpp_keys{"cpp"};
// The keys of each assertion kind; the first names the kind.
constexpr std::array<key_list, 4> assertion_kinds{key_list(command_keys), key_list(file_keys),
                                                  key_list(glob_keys), key_list(cpp_keys)};
// The checks of a file assertion, besides `unchanged`.
constexpr std::array<std::string_view, 6> file_checks{"exists",  "equals",      "contains",
                                                      "matches", "equals_file", "json"};

bool contains(key_list keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::string ticked(std::string_view key) { return "`" + std::string(key) + "`"; }

std::optional<command_check> parse_command_check(const table_reader& r) {
  std::size_t errors_before = r.sink().count();
  command_check check;
  check.where = r.where();
  if (auto argv = r.argv("command")) {
    check.argv = std::move(*argv);
  } else if (!r.has("command")) {
    r.report_missing("command", "a non-empty array of strings like [\"{target}\", \"arg\"]");
  }
  if (auto code = r.integer("exit_code", 0, 255, "an integer 0..255")) {
    check.exit_code = static_cast<int>(*code);
  }
  check.stdout_contains = r.string("stdout_contains");
  check.stdout_matches = read_regex(r, "stdout_matches");
  check.stdout_equals = r.string("stdout_equals");
  check.stderr_contains = r.string("stderr_contains");
  check.stderr_matches = read_regex(r, "stderr_matches");
  check.stderr_equals = r.string("stderr_equals");
  if (r.sink().count() != errors_before) return std::nullopt;
  return check;
}

// `json` and `value` come as a pair; `exists = false` rules out content checks.
void check_file_combinations(const table_reader& r, const file_check& check) {
  if (r.has("json") && !r.has("value")) {
    r.sink().error(*r.find("json"), "`json` needs `value`: the value expected at that pointer");
  }
  if (r.has("value") && !r.has("json")) {
    r.sink().error(*r.find("value"), "`value` needs `json`: the JSON Pointer of the value to compare");
  }
  if (check.exists == false) {
    for (std::string_view key : file_checks) {
      if (key != "exists" && r.has(key)) {
        r.sink().error(*r.find(key), ticked(key) + " cannot be combined with `exists = false`");
      }
    }
  }
  bool has_check =
      std::any_of(file_checks.begin(), file_checks.end(), [&](std::string_view key) { return r.has(key); });
  const toml::node* unchanged = r.find("unchanged");
  bool unchanged_reported = unchanged && !unchanged->is_boolean();  // a type error, already reported
  if (!has_check && !check.unchanged && !unchanged_reported) {
    r.sink().error(r.where(),
                   "a `file` assertion needs a check: `exists`, `equals`, `contains`, "
                   "`matches`, `equals_file`, `json` or `unchanged`");
  }
}

std::optional<file_check> parse_file_check(const table_reader& r, const fs::path& scenario_dir) {
  std::size_t errors_before = r.sink().count();
  file_check check;
  check.where = r.where();
  if (auto path = read_workdir_path(r, "file")) check.path = std::move(*path);
  check.exists = r.boolean("exists");
  check.equals = r.string("equals");
  check.contains = r.string("contains");
  check.matches = read_regex(r, "matches");
  check.equals_file = read_existing_path(r, "equals_file", scenario_dir, /*want_folder=*/false);
  check.json_pointer = read_json_pointer(r, "json");
  check.json_value = read_json_value(r, "value");
  check.unchanged = r.boolean("unchanged").value_or(false);
  check_file_combinations(r, check);
  if (r.sink().count() != errors_before) return std::nullopt;
  return check;
}

std::optional<glob_check> parse_glob_check(const table_reader& r) {
  std::size_t errors_before = r.sink().count();
  glob_check check;
  check.where = r.where();
  if (auto pattern = read_workdir_path(r, "glob")) check.pattern = std::move(*pattern);
  auto count = r.integer("count", 0, std::numeric_limits<std::int64_t>::max(), "an integer >= 0");
  if (count) check.count = static_cast<std::uint64_t>(*count);
  if (r.sink().count() != errors_before) return std::nullopt;
  return check;
}

// Reports keys that are not among `kind`'s; a key of another kind is named as such.
void reject_foreign_keys(const table_reader& r, key_list kind) {
  for (const toml::key* key : r.unknown_keys(kind)) {
    auto owner = std::find_if(assertion_kinds.begin(), assertion_kinds.end(),
                              [&](key_list k) { return contains(k, key->str()); });
    if (owner == assertion_kinds.end()) {
      r.report_unknown_key(*key, kind);
    } else if (owner->front() != key->str()) {  // a second kind key is reported by find_kind
      r.sink().error(r.sink().at(key->source()), ticked(key->str()) + " does not apply to a " +
                                                     ticked(kind.front()) + " assertion (it goes with " +
                                                     ticked(owner->front()) + ")");
    }
  }
}

// The one kind key an [[assert]] entry must have, or nullopt (reported).
std::optional<key_list> find_kind(const table_reader& r) {
  std::optional<key_list> kind;
  for (key_list k : assertion_kinds) {
    if (!r.has(k.front())) continue;
    if (kind) {
      r.sink().error(r.key_where(k.front()), ticked(k.front()) + " cannot be combined with " +
                                                 ticked(kind->front()) +
                                                 " in one [[assert]] entry: each entry checks one thing");
      continue;
    }
    kind = k;
  }
  if (!kind) {
    r.sink().error(r.where(), "an [[assert]] entry needs exactly one of `command`, `file`, `glob` or `cpp`");
  }
  return kind;
}

void reject_unknown_assert_keys(const table_reader& r) {
  std::vector<std::string_view> all;
  for (key_list k : assertion_kinds) all.insert(all.end(), k.begin(), k.end());
  r.reject_unknown_keys(all);
}

}  // namespace

std::optional<command_check> parse_recover_step(const table_reader& r) {
  r.reject_unknown_keys(command_keys);
  return parse_command_check(r);
}

std::optional<assertion> parse_assertion(const table_reader& r, const fs::path& scenario_dir) {
  auto kind = find_kind(r);
  if (!kind) {
    reject_unknown_assert_keys(r);
    return std::nullopt;
  }
  reject_foreign_keys(r, *kind);
  const source_location where = r.where();
  const auto located = [&](auto check) -> std::optional<assertion> {
    if (!check) return std::nullopt;
    return assertion{std::move(*check), where};
  };
  std::string_view name = kind->front();
  if (name == "command") return located(parse_command_check(r));
  if (name == "file") return located(parse_file_check(r, scenario_dir));
  if (name == "glob") return located(parse_glob_check(r));
  auto cpp = r.string("cpp", /*allow_empty=*/false);
  return located(cpp ? std::optional<cpp_check>(cpp_check{std::move(*cpp)}) : std::nullopt);
}

}  // namespace crashpoint::harness::loader
