// SPDX-License-Identifier: Apache-2.0
// fault_category.cpp: the error category of injected faults.
#include "fault_category.hpp"

#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "config.hpp"
#include "crashpoint/crashpoint.hpp"

namespace crashpoint {
namespace {

class names_table {
 public:
  int intern(std::string_view name) {
    const std::lock_guard<std::mutex> lock(mutex_);
    auto [it, added] = ids_.emplace(std::string(name), static_cast<int>(names_.size()) + 1);
    if (added) names_.emplace_back(name);
    return it->second;
  }
  std::string name_of(int id) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (id < 1 || static_cast<std::size_t>(id) > names_.size()) return "?";
    return names_[static_cast<std::size_t>(id) - 1];
  }

 private:
  std::mutex mutex_;
  std::deque<std::string> names_;
  std::unordered_map<std::string, int> ids_;
};

names_table& table() {
  static names_table* const t = new names_table;  // outlives static destructors
  return *t;
}

class injected_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "crashpoint.injected"; }
  std::string message(int id) const override {
    return detail::get_config().env_var + ": failing at checkpoint `" + table().name_of(id) +
           "` (intentional)";
  }
};

}  // namespace

const std::error_category& injected_fault_category() noexcept {
  static const injected_category category;
  return category;
}

namespace detail {

std::error_code make_injected_error(std::string_view name) {
  return {table().intern(name), injected_fault_category()};
}

}  // namespace detail
}  // namespace crashpoint
