// run_plan.cpp: scenario x checkpoint expansion and --filter matching.
#include "run_plan.hpp"

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

}  // namespace

std::vector<run_spec> expand_runs(const std::vector<loaded_suite>& suites,
                                  const std::vector<std::string>& filters) {
  std::vector<run_spec> runs;
  for (const loaded_suite& s : suites) {
    for (const scenario& scen : s.scenarios) {
      for (const std::string& checkpoint : scen.checkpoints) {
        run_spec run{&s.target, &scen, checkpoint, 0, {}};
        if (!matches_filter(run.id(), filters)) continue;
        run.index = runs.size();
        runs.push_back(std::move(run));
      }
    }
  }
  return runs;
}

}  // namespace crashpoint::harness
