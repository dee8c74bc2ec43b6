// SPDX-License-Identifier: Apache-2.0
// warning_log.cpp: deduplicated warnings (see warning_log.hpp).
#include "recorder/warning_log.hpp"

namespace crashpoint::recorder {

namespace {
constexpr std::size_t max_distinct = 1000;
}

void warning_log::add(std::string kind, pid_t pid, std::string message) {
  auto key = std::make_pair(kind, message);
  if (const auto it = index_.find(key); it != index_.end()) {
    ++reports_[it->second].count;
    return;
  }
  if (reports_.size() >= max_distinct) {
    key = {"warnings-capped", "more distinct warnings than the recorder keeps; the rest are counted here"};
    if (const auto it = index_.find(key); it != index_.end()) {
      ++reports_[it->second].count;
      return;
    }
    kind = key.first;
    message = key.second;
  }
  index_.emplace(key, reports_.size());
  reports_.push_back(warning_report{kind, pid, message, 1});
  on_new_(warning{std::move(kind), pid, std::move(message)});
}

}  // namespace crashpoint::recorder
