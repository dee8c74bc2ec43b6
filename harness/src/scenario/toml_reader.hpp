// SPDX-License-Identifier: Apache-2.0
// toml_reader.hpp: typed, located access to toml++ tables for the scenario loader.
//
// Each accessor checks one field and, when it is wrong, records a diagnostic
// naming the file:line:column of the offending value and what was expected,
// then returns nullopt; the caller carries on, so one pass over a file finds
// all of its errors. Messages follow one shape:
//
//   `timeout`: expected a duration string like "30s" or "500ms", got integer
//   unknown key `comand` in [crash] (did you mean `command`?)
//
// Private to the loader (scenario_loader.cpp and the *_parser.cpp files).
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/diagnostic.hpp"
#include "scenario/scenario.hpp"

namespace crashpoint::harness::loader {

using key_list = std::span<const std::string_view>;

// Collects the diagnostics of one file into a shared list.
class diagnostics_sink {
 public:
  diagnostics_sink(fs::path file, std::vector<diagnostic>& out) : file_(std::move(file)), out_(&out) {}

  const fs::path& file() const { return file_; }
  source_location at(const toml::source_region& region) const;
  source_location at(const toml::node& node) const { return at(node.source()); }
  void error(source_location where, std::string message);
  void error(const toml::node& node, std::string message) { error(at(node), std::move(message)); }
  // How many diagnostics the shared list holds (all files): compare two
  // readings to learn whether a step reported anything.
  std::size_t count() const { return out_->size(); }

 private:
  fs::path file_;
  std::vector<diagnostic>* out_;
};

// Parses the text of the file `sink` names. On an error, reports it at its
// line and column and returns nullopt. Invalid UTF-8 is reported at the bad
// byte itself: toml++ 3.3 names the character before it, which for a bad byte
// that opens a line is the end of the line above. Text nested deeper than
// max_toml_depth (nesting_depth.hpp) is reported where it passes the limit,
// before toml++ sees it: toml++ would recurse once per level.
std::optional<toml::table> parse_toml(std::string_view text, diagnostics_sink& sink);

// "integer", "string", ... as messages name a value's type.
std::string_view type_name(const toml::node& node);
// A string value in quotes, escaped and shortened; other values by type name.
std::string describe(const toml::node& node);
std::string in_quotes(std::string_view text);
// "line 3, column 7": for messages that point at a second place.
std::string line_column(const source_location& where);

// "`name`: expected <what>, got <describe(node)>"
void report_expected(diagnostics_sink& sink, const toml::node& node, std::string_view name,
                     std::string_view what);

// Node-level readers, for values that are not under a table key (array
// entries). `name` is how messages call the value: "checkpoints[3]".
std::optional<std::string> read_string(const toml::node& node, std::string_view name, diagnostics_sink& sink,
                                       bool allow_empty = true);
// A command line: a non-empty array of strings whose first entry is non-empty.
std::optional<std::vector<std::string>> read_argv(const toml::node& node, std::string_view name,
                                                  diagnostics_sink& sink);

// One table of a file. `context` names it in messages: "in [crash]".
class table_reader {
 public:
  table_reader(const toml::table& table, std::string context, diagnostics_sink& sink)
      : table_(&table), context_(std::move(context)), sink_(&sink) {}

  const toml::table& table() const { return *table_; }
  const std::string& context() const { return context_; }
  diagnostics_sink& sink() const { return *sink_; }
  source_location where() const { return sink_->at(*table_); }
  const toml::node* find(std::string_view key) const { return table_->get(key); }
  bool has(std::string_view key) const { return find(key) != nullptr; }
  // Where `key` itself is written (not its value); the table's place if absent.
  source_location key_where(std::string_view key) const;

  // Keys not in `allowed`; reject_unknown_keys() reports each with a
  // did-you-mean among `allowed`.
  std::vector<const toml::key*> unknown_keys(key_list allowed) const;
  void reject_unknown_keys(key_list allowed) const;
  void report_unknown_key(const toml::key& key, key_list allowed) const;
  // "missing `command` in [crash]: expected <what>"
  void report_missing(std::string_view key, std::string_view what) const;

  // Typed fields: nullopt when absent, or when wrong (then reported).
  std::optional<std::string> string(std::string_view key, bool allow_empty = true) const;
  std::optional<bool> boolean(std::string_view key) const;
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      std::string_view what) const;
  std::optional<std::vector<std::string>> argv(std::string_view key) const;
  // A table of environment variables: string values, names without '='.
  std::optional<env_map> env(std::string_view key) const;
  const toml::table* subtable(std::string_view key) const;
  // `[[key]]` entries; reports a value that is not an array of tables.
  std::vector<const toml::table*> array_of_tables(std::string_view key) const;

 private:
  const toml::table* table_;
  std::string context_;
  diagnostics_sink* sink_;
};

}  // namespace crashpoint::harness::loader
