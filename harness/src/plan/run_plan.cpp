// SPDX-License-Identifier: Apache-2.0
// run_plan.cpp: scenario x checkpoint expansion, --filter and --only.
#include "plan/run_plan.hpp"

#include <algorithm>
#include <unordered_map>

#include "scenario/toml_reader.hpp"
#include "util/did_you_mean.hpp"
#include "util/text.hpp"

namespace crashpoint::harness {

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with single-star backtracking: linear in practice.
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++, resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1, t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

bool matches_filter(const std::string& id, const std::vector<std::string>& filters) {
  if (filters.empty()) return true;
  for (const std::string& f : filters) {
    const bool is_glob = f.find_first_of("*?") != std::string::npos;
    if (is_glob ? glob_match(f, id) : id.find(f) != std::string::npos) return true;
  }
  return false;
}

bool matches_only(const run_spec& run, const std::vector<std::string>& only) {
  if (only.empty()) return true;
  return std::any_of(only.begin(), only.end(), [&](const std::string& id) { return only_names(id, run); });
}

// Why `only` names no run, and the likeliest id the user meant.
std::string unknown_only(const std::string& only, const std::vector<run_spec>& all) {
  std::vector<std::string> ids;
  for (const run_spec& run : all) ids.push_back(run.id());
  const std::vector<std::string_view> views(ids.begin(), ids.end());
  std::string message = "--only " + in_double_quotes(only) + ": no run has this id";
  const auto starts_scenario = [&](const std::string& id) { return id.starts_with(only + "@"); };
  if (std::any_of(ids.begin(), ids.end(), starts_scenario)) {
    return message + "; it is a scenario, and --only takes SCENARIO@CHECKPOINT: --filter '" + only +
           "@*' selects all its runs";
  }
  if (const auto best = closest_match(only, views)) {
    return message + " (did you mean " + in_double_quotes(*best) + "?)";
  }
  // Not a count: the runs of "auto" scenarios that were not discovered are unknown here.
  return message + "; `crashpoint list` prints every run's id";
}

// Whether the --filter `filter` could match an id that starts with `prefix`:
// a glob's literal head (up to its first '*' or '?') must agree with it. A
// substring may lie anywhere in the rest of the id.
bool filter_may_match(const std::string& filter, const std::string& prefix) {
  const std::size_t wild = filter.find_first_of("*?");
  if (wild == std::string::npos) return true;
  const std::size_t n = std::min(wild, prefix.size());
  return filter.compare(0, n, prefix, 0, n) == 0;
}

// One error per id that two runs of the plan share (scenario names holding
// '@' can make `a@b` + `c@1` and `a` + `b@c@1` the same text).
void report_shared_ids(const std::vector<run_spec>& all, std::vector<std::string>& errors) {
  std::unordered_map<std::string, const run_spec*> seen;
  for (const run_spec& run : all) {
    const auto [it, added] = seen.emplace(run.id(), &run);
    if (added) continue;
    errors.push_back("two runs have the id " + in_double_quotes(run.id()) + " (scenarios " +
                     in_double_quotes(it->second->scen->name) + " in " + it->second->scen->file.string() +
                     " and " + in_double_quotes(run.scen->name) + " in " + run.scen->file.string() +
                     "): rename one of the scenario files");
  }
}

}  // namespace

bool only_names(std::string_view only, const run_spec& run) { return only == run.id(); }

bool may_select(const run_selection& selection, const std::string& name,
                const std::vector<std::string>& scenarios) {
  const std::string prefix = name + "@";
  const auto names_a_scenario = [&](const std::string& id) {
    return std::any_of(scenarios.begin(), scenarios.end(),
                       [&](const std::string& other) { return id.starts_with(other + "@"); });
  };
  const auto may_name_this = [&](const std::string& id) {
    return id.starts_with(prefix) || !names_a_scenario(id);
  };
  const auto& only = selection.only;
  if (!only.empty() && std::none_of(only.begin(), only.end(), may_name_this)) return false;
  const auto& filters = selection.filters;
  return filters.empty() || std::any_of(filters.begin(), filters.end(),
                                        [&](const std::string& f) { return filter_may_match(f, prefix); });
}

bool selected_by(const run_selection& selection, const run_spec& run) {
  return matches_filter(run.id(), selection.filters) && matches_only(run, selection.only);
}

selected_runs select_runs(const std::vector<loaded_suite>& suites, const run_selection& selection) {
  return select_runs(expand_runs(suites), selection);
}

selected_runs select_runs(std::vector<run_spec> all, const run_selection& selection) {
  selected_runs out;
  report_shared_ids(all, out.errors);
  const auto& unknown = selection.undiscovered_scenarios;
  for (const std::string& only : selection.only) {
    const auto named = [&](const run_spec& run) { return only_names(only, run); };
    const auto undiscovered = [&](const std::string& scen) { return only.starts_with(scen + "@"); };
    if (std::any_of(unknown.begin(), unknown.end(), undiscovered)) continue;
    if (std::none_of(all.begin(), all.end(), named)) out.errors.push_back(unknown_only(only, all));
  }
  for (run_spec& run : all) {
    if (!selected_by(selection, run)) continue;
    run.index = out.runs.size();
    out.runs.push_back(std::move(run));
  }
  return out;
}

std::vector<run_spec> plan_runs(const std::vector<loaded_suite>& suites, const explored_runs& explored,
                                bool explore_all) {
  std::vector<run_spec> runs;
  for (const loaded_suite& s : suites) {
    for (const scenario& scen : s.scenarios) {
      if (scen.auto_checkpoints || explore_all) {
        const auto it = explored.find(&scen);
        if (it == explored.end()) continue;
        for (const run_spec& run : it->second) runs.push_back(run);
        continue;
      }
      for (const located<std::string>& checkpoint : scen.checkpoints) {
        run_spec run;
        run.target = &s.target;
        run.scen = &scen;
        run.checkpoint = checkpoint.value;
        runs.push_back(std::move(run));
      }
    }
  }
  for (std::size_t i = 0; i < runs.size(); ++i) runs[i].index = i;
  return runs;
}

std::vector<run_spec> expand_runs(const std::vector<loaded_suite>& suites) {
  std::vector<run_spec> runs;
  for (const loaded_suite& s : suites) {
    for (const scenario& scen : s.scenarios) {
      for (const located<std::string>& checkpoint : scen.checkpoints) {
        run_spec run{&s.target, &scen, checkpoint.value, runs.size(), {}, {}, {}, {}, {}};
        runs.push_back(std::move(run));
      }
    }
  }
  return runs;
}

}  // namespace crashpoint::harness
