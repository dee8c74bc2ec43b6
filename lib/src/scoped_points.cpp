// SPDX-License-Identifier: Apache-2.0
// scoped_points.cpp: thread-local arming for unit tests.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "config.hpp"
#include "crashpoint/crashpoint.hpp"
#include "guards.hpp"

namespace crashpoint {

// All entries of one guard that name the same checkpoint, sharing a hit count.
struct scoped_points::rule {
  std::string name;
  std::vector<detail::hit_rule> when;
  std::uint64_t hits = 0;
};

namespace {

thread_local std::vector<std::vector<scoped_points::rule>*> t_stack;

void add_entry(std::vector<scoped_points::rule>& rules, std::string_view text) {
  arming_list list = parse_arming(text);
  if (!list.errors.empty()) {
    const arming_error& e = list.errors.front();
    throw std::invalid_argument("crashpoint::scoped_points: invalid entry `" + e.entry + "`: " + e.problem);
  }
  for (arming_entry& entry : list.entries) {
    auto same = [&](const scoped_points::rule& r) { return r.name == entry.name; };
    auto it = std::find_if(rules.begin(), rules.end(), same);
    if (it == rules.end()) it = rules.insert(rules.end(), {entry.name, {}, 0});
    it->when.push_back({entry.hit, entry.act});
  }
}

}  // namespace

scoped_points::scoped_points(std::initializer_list<std::string_view> entries) {
  for (std::string_view e : entries) add_entry(rules_, e);
  push();
}

scoped_points::scoped_points(const std::vector<std::string>& entries) {
  for (const std::string& e : entries) add_entry(rules_, e);
  push();
}

void scoped_points::push() {
  t_stack.push_back(&rules_);
  detail::guard_count_changed(+1);
}

scoped_points::~scoped_points() {
  // Guards normally die in reverse order; tolerate any order anyway.
  auto it = std::find(t_stack.rbegin(), t_stack.rend(), &rules_);
  if (it != t_stack.rend()) t_stack.erase(std::next(it).base());
  detail::guard_count_changed(-1);
}

namespace detail {

bool thread_has_guards() noexcept { return !t_stack.empty(); }

const hit_rule* guarded_rule(std::string_view name, std::uint64_t& hit) {
  for (auto guard = t_stack.rbegin(); guard != t_stack.rend(); ++guard) {
    for (scoped_points::rule& r : **guard) {
      if (r.name != name) continue;
      hit = ++r.hits;
      return match_rule(r.when, hit);
    }
  }
  return nullptr;
}

}  // namespace detail
}  // namespace crashpoint
