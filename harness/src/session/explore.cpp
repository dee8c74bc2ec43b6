// SPDX-License-Identifier: Apache-2.0
// explore.cpp: crash points from traces, and the runs that crash at each.
#include "session/explore.hpp"

#include <fmt/format.h>

#include <map>

#include "plan/run_plan.hpp"

namespace crashpoint::harness {
namespace {

bool matches_any(const std::vector<std::string>& globs, const std::string& name) {
  for (const auto& g : globs) {
    if (glob_match(g, name)) return true;
  }
  return false;
}

// The crash point of a run label "NAME@HIT" (or "NAME@HIT+R@H": the first).
std::string checkpoint_of(const std::string& label) { return label.substr(0, label.find('@')); }

}  // namespace

std::vector<crash_point> select_points(const std::vector<crash_point>& points, const explore_options& opts) {
  std::vector<crash_point> out;
  for (const crash_point& p : points) {
    if (!opts.include.empty() && !matches_any(opts.include, p.name)) continue;
    if (matches_any(opts.exclude, p.name)) continue;
    if (opts.max_hits != 0 && p.hit > opts.max_hits) continue;
    out.push_back(p);
  }
  return out;
}

std::vector<run_spec> point_runs(const run_spec& base, const std::vector<crash_point>& points) {
  const bool wants_error = base.scen->crash.expect == expectation::error;
  std::vector<run_spec> runs;
  for (const crash_point& p : points) {
    if (wants_error && !p.fail_point) continue;
    run_spec run = base;
    run.label = p.label();
    run.checkpoint = p.fail_point && !wants_error ? p.label() + "=abort" : p.label();
    runs.push_back(std::move(run));
  }
  return runs;
}

std::vector<run_spec> recovery_point_runs(const run_spec& crashed,
                                          const std::vector<crash_point>& recovery_points) {
  std::vector<run_spec> runs;
  for (const crash_point& p : recovery_points) {
    run_spec run = crashed;
    run.label = crashed.label + "+" + p.label();
    run.recovery_entry = p.fail_point ? p.label() + "=abort" : p.label();
    runs.push_back(std::move(run));
  }
  return runs;
}

std::string crash_point_table(const std::vector<run_result>& results) {
  struct counts {
    std::size_t runs = 0, failed = 0;
  };
  std::map<std::pair<std::string, std::string>, counts> rows;  // (scenario, checkpoint)
  for (const run_result& r : results) {
    counts& c = rows[{r.scenario, checkpoint_of(r.checkpoint)}];
    ++c.runs;
    if (!r.passed()) ++c.failed;
  }
  std::size_t w1 = 8, w2 = 10;
  for (const auto& [key, c] : rows) {
    w1 = std::max(w1, key.first.size());
    w2 = std::max(w2, key.second.size());
  }
  std::string out = fmt::format("{:<{}}  {:<{}}  {:>6}  {:>6}  {:>6}\n", "scenario", w1, "checkpoint", w2,
                                "points", "passed", "failed");
  for (const auto& [key, c] : rows) {
    out += fmt::format("{:<{}}  {:<{}}  {:>6}  {:>6}  {:>6}  {}\n", key.first, w1, key.second, w2, c.runs,
                       c.runs - c.failed, c.failed, c.failed == 0 ? "PASS" : "FAIL");
  }
  return out;
}

}  // namespace crashpoint::harness
