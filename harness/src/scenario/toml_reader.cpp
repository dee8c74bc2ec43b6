// SPDX-License-Identifier: Apache-2.0
// toml_reader.cpp: typed field access, type names and did-you-mean for the loader.
#include "scenario/toml_reader.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "util/nesting_depth.hpp"
#include "util/did_you_mean.hpp"
#include "util/utf8.hpp"

namespace crashpoint::harness::loader {

source_location diagnostics_sink::at(const toml::source_region& region) const {
  return {file_, region.begin.line, region.begin.column};
}

void diagnostics_sink::error(source_location where, std::string message) {
  out_->push_back({std::move(where), std::move(message)});
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

namespace {

constexpr std::size_t max_quoted_bytes = 60;

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string_view shorten(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  while (limit > 0 && is_utf8_continuation(text[limit])) --limit;
  return text.substr(0, limit);
}

void append_escaped(std::string& out, char c) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\n': out += "\\n"; return;
    case '\t': out += "\\t"; return;
    case '\r': out += "\\r"; return;
    default: break;
  }
  if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
    std::array<char, 8> buf{};
    std::snprintf(buf.data(), buf.size(), "\\x%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
    out += buf.data();
  } else {
    out += c;
  }
}

}  // namespace

std::string in_quotes(std::string_view text) {
  std::string_view shown = shorten(text, max_quoted_bytes);
  std::string out = "\"";
  for (char c : shown) append_escaped(out, c);
  out += '"';
  if (shown.size() < text.size()) out += "...";
  return out;
}

std::string describe(const toml::node& node) {
  if (const auto* s = node.as_string()) return in_quotes(s->get());
  if (const auto* a = node.as_array(); a && a->empty()) return "an empty array";
  return std::string(type_name(node));
}

std::string line_column(const source_location& where) {
  return "line " + std::to_string(where.line) + ", column " + std::to_string(where.column);
}

std::optional<toml::table> parse_toml(std::string_view text, diagnostics_sink& sink) {
  // Lines and columns as toml++ counts them: columns in code points, from 1.
  std::uint32_t line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = decode_utf8(text, i).length;
    if (length == 0) {
      sink.error({sink.file(), line, column}, "invalid TOML: Encountered invalid utf-8 sequence");
      return std::nullopt;
    }
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
  // toml++ recurses once per level of dotted keys and headers: refused first.
  if (const auto deep = toml_too_deep(text, max_toml_depth)) {
    sink.error({sink.file(), deep->line, deep->column},
               "tables and arrays nested more than " + std::to_string(max_toml_depth) +
                   " levels deep (counting dotted key and header segments): at most " +
                   std::to_string(max_toml_depth) + " levels are read");
    return std::nullopt;
  }
  const std::string source = sink.file().string();
  try {
    return toml::parse(text, std::string_view(source));
  } catch (const toml::parse_error& e) {
    sink.error(sink.at(e.source()), "invalid TOML: " + std::string(e.description()));
    return std::nullopt;
  }
}

void report_expected(diagnostics_sink& sink, const toml::node& node, std::string_view name,
                     std::string_view what) {
  sink.error(node, "`" + std::string(name) + "`: expected " + std::string(what) + ", got " + describe(node));
}

std::optional<std::string> read_string(const toml::node& node, std::string_view name, diagnostics_sink& sink,
                                       bool allow_empty) {
  const auto* s = node.as_string();
  if (!s || (!allow_empty && s->get().empty())) {
    report_expected(sink, node, name, allow_empty ? "a string" : "a non-empty string");
    return std::nullopt;
  }
  // A NUL would silently cut the string short in argv or the environment.
  if (s->get().find('\0') != std::string::npos) {
    sink.error(node, "`" + std::string(name) + "`: a string here cannot hold a NUL character");
    return std::nullopt;
  }
  return s->get();
}

std::optional<std::vector<std::string>> read_argv(const toml::node& node, std::string_view name,
                                                  diagnostics_sink& sink) {
  const auto* array = node.as_array();
  if (!array || array->empty()) {
    report_expected(sink, node, name, "a non-empty array of strings like [\"{target}\", \"arg\"]");
    return std::nullopt;
  }
  std::vector<std::string> argv;
  argv.reserve(array->size());
  bool ok = true;
  for (std::size_t i = 0; i < array->size(); ++i) {
    std::string entry = std::string(name) + "[" + std::to_string(i) + "]";
    auto arg = read_string(*array->get(i), entry, sink, /*allow_empty=*/i > 0);
    ok = ok && arg.has_value();
    if (arg) argv.push_back(std::move(*arg));
  }
  if (!ok) return std::nullopt;
  return argv;
}

source_location table_reader::key_where(std::string_view key) const {
  auto it = table_->find(key);
  return it == table_->end() ? where() : sink_->at(it->first.source());
}

std::vector<const toml::key*> table_reader::unknown_keys(key_list allowed) const {
  std::vector<const toml::key*> unknown;
  for (auto&& [key, value] : *table_) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
      unknown.push_back(&key);
    }
  }
  return unknown;
}

void table_reader::reject_unknown_keys(key_list allowed) const {
  for (const toml::key* key : unknown_keys(allowed)) report_unknown_key(*key, allowed);
}

void table_reader::report_unknown_key(const toml::key& key, key_list allowed) const {
  std::string message = "unknown key `" + std::string(key.str()) + "` " + context_;
  if (auto suggestion = closest_match(key.str(), allowed)) {
    message += " (did you mean `" + std::string(*suggestion) + "`?)";
  } else {
    message += " (expected one of:";
    for (std::size_t i = 0; i < allowed.size(); ++i) {
      message += (i == 0 ? " `" : ", `") + std::string(allowed[i]) + "`";
    }
    message += ")";
  }
  sink_->error(sink_->at(key.source()), std::move(message));
}

void table_reader::report_missing(std::string_view key, std::string_view what) const {
  sink_->error(where(), "missing `" + std::string(key) + "` " + context_ + ": expected " + std::string(what));
}

std::optional<std::string> table_reader::string(std::string_view key, bool allow_empty) const {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  return read_string(*node, key, *sink_, allow_empty);
}

std::optional<bool> table_reader::boolean(std::string_view key) const {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  if (const auto* b = node->as_boolean()) return b->get();
  report_expected(*sink_, *node, key, "true or false");
  return std::nullopt;
}

std::optional<std::int64_t> table_reader::integer(std::string_view key, std::int64_t min, std::int64_t max,
                                                  std::string_view what) const {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  const auto* i = node->as_integer();
  if (!i) {
    report_expected(*sink_, *node, key, what);
    return std::nullopt;
  }
  if (i->get() < min || i->get() > max) {
    sink_->error(*node, "`" + std::string(key) + "`: expected " + std::string(what) + ", got " +
                            std::to_string(i->get()));
    return std::nullopt;
  }
  return i->get();
}

std::optional<std::vector<std::string>> table_reader::argv(std::string_view key) const {
  const toml::node* node = find(key);
  if (!node) return std::nullopt;
  return read_argv(*node, key, *sink_);
}

namespace {

bool valid_env_name(std::string_view name) {
  return !name.empty() && name.find('=') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

}  // namespace

std::optional<env_map> table_reader::env(std::string_view key) const {
  const toml::table* vars = subtable(key);
  if (!vars) return std::nullopt;
  env_map env;
  bool ok = true;
  for (auto&& [name, value] : *vars) {
    std::string label = std::string(key) + "." + std::string(name.str());
    if (!valid_env_name(name.str())) {
      sink_->error(sink_->at(name.source()),
                   "`" + label + "`: an environment variable name cannot be empty or hold '='");
      ok = false;
      continue;
    }
    auto text = read_string(value, label, *sink_);
    ok = ok && text.has_value();
    if (text) env.emplace(name.str(), std::move(*text));
  }
  if (!ok) return std::nullopt;
  return env;
}

const toml::table* table_reader::subtable(std::string_view key) const {
  const toml::node* node = find(key);
  if (!node) return nullptr;
  if (const auto* t = node->as_table()) return t;
  report_expected(*sink_, *node, key, "a table");
  return nullptr;
}

std::vector<const toml::table*> table_reader::array_of_tables(std::string_view key) const {
  std::vector<const toml::table*> tables;
  const toml::node* node = find(key);
  if (!node) return tables;
  const auto* array = node->as_array();
  if (!array) {
    report_expected(*sink_, *node, key, "an array of tables, written [[" + std::string(key) + "]]");
    return tables;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& entry = *array->get(i);
    if (const auto* t = entry.as_table()) {
      tables.push_back(t);
    } else {
      report_expected(*sink_, entry, std::string(key) + "[" + std::to_string(i) + "]", "a table");
    }
  }
  return tables;
}

}  // namespace crashpoint::harness::loader
