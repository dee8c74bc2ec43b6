// SPDX-License-Identifier: Apache-2.0
// coverage_render.cpp: the coverage table, its sections and summary, and the JSON document.
#include "coverage/coverage_render.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scenario/scenario_loader.hpp"
#include "util/terminal.hpp"

namespace crashpoint::harness {
namespace {

constexpr const char* yellow = "33";
constexpr const char* red = "31";

std::string plural(std::size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string joined(const std::vector<std::string>& items) {
  return items.empty() ? "" : fmt::format("{}", fmt::join(items, ", "));
}

std::string definitions_text(const checkpoint_coverage& c) {
  if (c.defined_at.empty()) return "(not in sources)";
  std::vector<std::string> places;
  for (const definition& d : c.defined_at) places.push_back(fmt::format("{}:{}", d.file, d.line));
  return joined(places);
}

std::string reached_text(const checkpoint_coverage& c) {
  return c.hits() == 0 ? "no" : plural(c.hits(), "hit");
}

// One row's cells, and the colour of each (nullptr: none).
struct row {
  std::vector<std::string> cells;
  std::vector<const char*> colours;
};

row make_row(const checkpoint_coverage& c, bool ran) {
  const bool uncovered = c.scenarios.empty();
  row r{{c.name, definitions_text(c), uncovered ? "(none)" : joined(c.scenarios)},
        {nullptr, c.defined_at.empty() ? yellow : nullptr, uncovered ? yellow : nullptr}};
  if (ran) {
    r.cells.push_back(reached_text(c));
    r.colours.push_back(c.hits() == 0 ? yellow : nullptr);
  }
  return r;
}

std::string render_rows(const std::vector<row>& rows, bool colour) {
  std::vector<std::size_t> widths(rows.front().cells.size(), 0);
  for (const row& r : rows) {
    for (std::size_t i = 0; i < r.cells.size(); ++i) widths[i] = std::max(widths[i], r.cells[i].size());
  }
  std::string out;
  for (const row& r : rows) {
    for (std::size_t i = 0; i < r.cells.size(); ++i) {
      const bool last = i + 1 == r.cells.size();
      const std::string text = last ? r.cells[i] : fmt::format("{:<{}}  ", r.cells[i], widths[i]);
      const bool paint = colour && r.colours[i] != nullptr;
      out += paint ? painted(true, r.colours[i], text) : text;
    }
    out += '\n';
  }
  return out;
}

std::string undefined_section(const coverage_report& r, bool colour) {
  if (r.undefined.empty()) return "";
  std::string out = "\nundefined checkpoints (named by a scenario, defined in no source):\n";
  for (const undefined_checkpoint& u : r.undefined) {
    std::string message =
        fmt::format("scenario `{}` names checkpoint `{}`, which no source defines", u.scenario, u.name);
    if (!u.suggestion.empty()) message += fmt::format(" (did you mean `{}`?)", u.suggestion);
    const std::string line = format_diagnostic({u.where, message});
    out += "  " + painted(colour, red, line) + '\n';
  }
  return out;
}

std::string notes(const coverage_report& r) {
  if (r.untraced_auto.empty()) return "";
  return fmt::format(
      "\nnote: {} with checkpoints = \"auto\" ({}) cover what a traced run reaches: "
      "add --run to count them\n",
      plural(r.untraced_auto.size(), "scenario"), joined(r.untraced_auto));
}

std::string summary_line(const coverage_report& r) {
  const coverage_summary s = summarize(r);
  std::string out = fmt::format("{}: {} covered, {} not covered; {}", plural(s.defined, "checkpoint"),
                                s.covered, s.uncovered, plural(s.undefined, "undefined name"));
  if (r.ran) out += fmt::format("; {} reached", s.reached);
  if (s.not_in_sources > 0) out += fmt::format("; {} reached but in no source", s.not_in_sources);
  return out + '\n';
}

nlohmann::json to_json(const checkpoint_coverage& c, bool ran) {
  nlohmann::json defined = nlohmann::json::array();
  for (const definition& d : c.defined_at) defined.push_back({{"file", d.file}, {"line", d.line}});
  nlohmann::json out = {{"name", c.name},     {"defined_at", defined}, {"scenarios", c.scenarios},
                        {"reached", nullptr}, {"hits", nullptr},       {"reached_by", nullptr}};
  if (ran) {
    out["reached"] = c.hits() > 0;
    out["hits"] = c.hits();
    out["reached_by"] = c.reached_by;
  }
  return out;
}

nlohmann::json to_json(const undefined_checkpoint& u) {
  return {{"name", u.name},
          {"scenario", u.scenario},
          {"file", u.where.file.string()},
          {"line", u.where.line},
          {"column", u.where.column},
          {"did_you_mean", u.suggestion.empty() ? nlohmann::json(nullptr) : nlohmann::json(u.suggestion)}};
}

nlohmann::json summary_json(const coverage_report& r) {
  const coverage_summary s = summarize(r);
  return {{"checkpoints", s.defined},
          {"covered", s.covered},
          {"uncovered", s.uncovered},
          {"undefined", s.undefined},
          {"reached", r.ran ? nlohmann::json(s.reached) : nlohmann::json(nullptr)},
          {"not_in_sources", s.not_in_sources}};
}

}  // namespace

std::string coverage_table(const coverage_report& r, bool colour) {
  std::vector<row> rows{{{"checkpoint", "defined at", "scenarios"}, {nullptr, nullptr, nullptr}}};
  if (r.ran) {
    rows.front().cells.push_back("reached");
    rows.front().colours.push_back(nullptr);
  }
  for (const checkpoint_coverage& c : r.checkpoints) rows.push_back(make_row(c, r.ran));
  std::string out =
      r.checkpoints.empty() ? "no checkpoint found in the sources\n" : render_rows(rows, colour);
  return out + undefined_section(r, colour) + notes(r) + '\n' + summary_line(r);
}

nlohmann::json to_json(const coverage_report& r) {
  nlohmann::json checkpoints = nlohmann::json::array();
  for (const checkpoint_coverage& c : r.checkpoints) checkpoints.push_back(to_json(c, r.ran));
  nlohmann::json undefined = nlohmann::json::array();
  for (const undefined_checkpoint& u : r.undefined) undefined.push_back(to_json(u));
  return {
      {"format_version", 1},        {"sources", r.sources},   {"ran", r.ran},
      {"checkpoints", checkpoints}, {"undefined", undefined}, {"untraced_auto_scenarios", r.untraced_auto},
      {"summary", summary_json(r)}};
}

std::string coverage_json_text(const coverage_report& r) {
  return to_json(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
}

}  // namespace crashpoint::harness
