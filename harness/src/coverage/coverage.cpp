// SPDX-License-Identifier: Apache-2.0
// coverage.cpp: the coverage report model: definitions x scenario entries x traces.
#include "coverage/coverage.hpp"

#include <algorithm>
#include <set>
#include <string_view>

#include "crashpoint/arming.hpp"
#include "scenario/toml_reader.hpp"
#include "util/did_you_mean.hpp"

namespace crashpoint::harness {
namespace {

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  return std::string(s.substr(first, s.find_last_not_of(" \t") - first + 1));
}

using rows_by_name = std::map<std::string, checkpoint_coverage>;

void add_scenario(checkpoint_coverage& row, const std::string& scenario) {
  if (std::find(row.scenarios.begin(), row.scenarios.end(), scenario) == row.scenarios.end()) {
    row.scenarios.push_back(scenario);
  }
}

std::string suggestion_for(const std::string& name, const scan_result& scan) {
  std::vector<std::string_view> names;
  for (const auto& [defined, places] : scan.definitions) names.push_back(defined);
  const auto best = closest_match(name, names);
  return best ? std::string(*best) : "";
}

// A traced run's points: every name it reached gets the scenario's hit count.
void add_trace(rows_by_name& rows, const traced_scenario& traced) {
  for (const crash_point& p : traced.points) {
    checkpoint_coverage& row = rows[p.name];
    row.name = p.name;
    ++row.reached_by[traced.scen->name];
    if (traced.scen->auto_checkpoints) add_scenario(row, traced.scen->name);
  }
}

// The entries of a scenario that names its checkpoints.
void add_entries(rows_by_name& rows, const scenario& scen, const scan_result& scan,
                 std::vector<undefined_checkpoint>& undefined) {
  std::set<std::string> seen;
  for (const located<std::string>& entry : scen.checkpoints) {
    for (const std::string& name : entry_checkpoint_names(entry.value)) {
      if (!seen.insert(name).second) continue;
      if (auto row = rows.find(name); row != rows.end()) add_scenario(row->second, scen.name);
      if (scan.definitions.count(name) != 0) continue;
      undefined.push_back({name, scen.name, entry.where, suggestion_for(name, scan)});
    }
  }
}

}  // namespace

std::uint64_t checkpoint_coverage::hits() const {
  std::uint64_t n = 0;
  for (const auto& [scenario, count] : reached_by) n += count;
  return n;
}

std::vector<std::string> entry_checkpoint_names(const std::string& entry) {
  std::vector<std::string> names;
  const arming_list parsed = parse_arming(entry);
  for (const arming_entry& e : parsed.entries) names.push_back(e.name);
  // An entry outside the grammar (another product's protocol): its NAME parts.
  for (const arming_error& e : parsed.errors) {
    std::string_view rest = e.entry;
    for (std::size_t comma; !rest.empty(); rest = comma == rest.npos ? "" : rest.substr(comma + 1)) {
      comma = rest.find(',');
      const std::string piece = trimmed(rest.substr(0, comma));
      const std::string name = piece.substr(0, piece.find_first_of("@="));
      if (!name.empty()) names.push_back(name);
    }
  }
  return names;
}

coverage_report build_coverage(const scan_result& scan, const std::vector<loaded_suite>& suites,
                               const std::optional<std::vector<traced_scenario>>& traces) {
  coverage_report report;
  report.ran = traces.has_value();
  rows_by_name rows;
  for (const auto& [name, places] : scan.definitions) rows[name] = {name, places, {}, {}};
  if (traces) {
    for (const traced_scenario& t : *traces) add_trace(rows, t);
  }
  for (const loaded_suite& s : suites) {
    for (const scenario& scen : s.scenarios) {
      if (scen.auto_checkpoints && !traces) report.untraced_auto.push_back(scen.name);
      add_entries(rows, scen, scan, report.undefined);
    }
  }
  for (auto& [name, row] : rows) {
    std::sort(row.scenarios.begin(), row.scenarios.end());
    report.checkpoints.push_back(std::move(row));
  }
  return report;
}

coverage_summary summarize(const coverage_report& r) {
  coverage_summary s;
  for (const checkpoint_coverage& c : r.checkpoints) {
    if (c.defined_at.empty()) {
      ++s.not_in_sources;
      continue;
    }
    ++s.defined;
    ++(c.scenarios.empty() ? s.uncovered : s.covered);
    if (c.hits() > 0) ++s.reached;
  }
  s.undefined = r.undefined.size();
  return s;
}

int coverage_exit_code(const coverage_report& r, bool require_all) {
  const coverage_summary s = summarize(r);
  return s.undefined > 0 || (require_all && s.uncovered > 0) ? 1 : 0;
}

}  // namespace crashpoint::harness
