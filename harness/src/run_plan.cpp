// run_plan.cpp: scenario x checkpoint expansion, --filter and --only.
#include "run_plan.hpp"

#include <algorithm>

#include "toml_reader.hpp"

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

std::string in_double_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

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
  if (const auto best = loader::closest_match(only, views)) {
    return message + " (did you mean " + in_double_quotes(*best) + "?)";
  }
  return message + "; `crashpoint list` prints the ids of the " + std::to_string(ids.size()) + " runs";
}

}  // namespace

bool only_names(std::string_view only, const run_spec& run) { return only == run.id(); }

bool selected_by(const run_selection& selection, const run_spec& run) {
  return matches_filter(run.id(), selection.filters) && matches_only(run, selection.only);
}

selected_runs select_runs(const std::vector<loaded_suite>& suites, const run_selection& selection) {
  selected_runs out;
  std::vector<run_spec> all = expand_runs(suites, {});
  for (const std::string& only : selection.only) {
    const auto named = [&](const run_spec& run) { return only_names(only, run); };
    const auto explored = [&](const std::string& scen) { return only.rfind(scen + "@", 0) == 0; };
    if (std::any_of(selection.explored_scenarios.begin(), selection.explored_scenarios.end(), explored)) {
      continue;
    }
    if (std::none_of(all.begin(), all.end(), named)) out.errors.push_back(unknown_only(only, all));
  }
  for (run_spec& run : all) {
    if (!selected_by(selection, run)) continue;
    run.index = out.runs.size();
    out.runs.push_back(std::move(run));
  }
  return out;
}

std::vector<run_spec> expand_runs(const std::vector<loaded_suite>& suites,
                                  const std::vector<std::string>& filters) {
  std::vector<run_spec> runs;
  for (const loaded_suite& s : suites) {
    for (const scenario& scen : s.scenarios) {
      for (const std::string& checkpoint : scen.checkpoints) {
        run_spec run{&s.target, &scen, checkpoint, 0, {}, {}, {}};
        if (!matches_filter(run.id(), filters)) continue;
        run.index = runs.size();
        runs.push_back(std::move(run));
      }
    }
  }
  return runs;
}

}  // namespace crashpoint::harness
