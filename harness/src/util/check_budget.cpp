// SPDX-License-Identifier: Apache-2.0
// check_budget.cpp: the deadline and stop-flag test, and how limits are named.
#include "util/check_budget.hpp"

#include "util/duration.hpp"

namespace crashpoint::harness {

bool check_budget::over() const { return (stop_ != nullptr && stop_->load()) || clock::now() >= deadline_; }

void check_budget::give_up(std::string_view doing) const {
  if (stop_ != nullptr && stop_->load()) throw check_interrupted();
  throw check_failed("gave up after the run's timeout (" + format_duration(timeout_) + ") while " +
                     std::string(doing));
}

std::string size_text(std::uint64_t bytes) {
  if (bytes >= (std::uint64_t{1} << 20) && bytes % (std::uint64_t{1} << 20) == 0) {
    return std::to_string(bytes >> 20) + " MiB";
  }
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

std::string shortened_path(std::string_view path) {
  constexpr std::size_t keep = 60;
  if (path.size() <= 2 * keep + 5) return std::string(path);
  return std::string(path.substr(0, keep)) + "[...]" + std::string(path.substr(path.size() - keep));
}

}  // namespace crashpoint::harness
