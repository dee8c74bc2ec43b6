// SPDX-License-Identifier: Apache-2.0
// warning_log.hpp: the recorder's warnings, each reported once however often
// it happens.
//
//   warning_log warnings([](const warning& w) { print(w); });   // told of each new one
//   warnings.add("io_uring", pid, "io_uring_setup: ...");        // new: told, logged, kept
//   warnings.add("io_uring", pid, "io_uring_setup: ...");        // again: only counted
//   std::vector<warning_report> all = warnings.reports();
//
// Two warnings are the same when their kind and message are (the message
// names the file, not the process). At most 1,000 distinct ones are kept;
// the rest are counted under a last "warnings-capped" entry.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "recorder/io_op.hpp"
#include "recorder/result_file.hpp"

namespace crashpoint::recorder {

class warning_log {
 public:
  explicit warning_log(std::function<void(const warning&)> on_new) : on_new_(std::move(on_new)) {}
  void add(std::string kind, pid_t pid, std::string message);
  const std::vector<warning_report>& reports() const { return reports_; }

 private:
  std::function<void(const warning&)> on_new_;
  std::map<std::pair<std::string, std::string>, std::size_t> index_;
  std::vector<warning_report> reports_;
};

}  // namespace crashpoint::recorder
