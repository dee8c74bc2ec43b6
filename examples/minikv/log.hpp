// SPDX-License-Identifier: Apache-2.0
// minikv/log.hpp: the write-ahead log, where every change becomes durable
// before it is acknowledged.
//
// The log is a file of records (record.hpp), one appended per put or delete and
// fsynced before the command reports success. It grows until compaction folds
// it into a snapshot and empties it.
//
// Opening the log is its recovery. Each record is fsynced before the next one
// starts, so a crash can damage only the last one: a torn tail. open() returns
// the intact records and cuts the file back to the end of the last one, durably,
// so that the next append does not land behind garbage (where the following
// recovery would discard it together with the garbage).
#ifndef MINIKV_LOG_HPP
#define MINIKV_LOG_HPP

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "minikv/file_io.hpp"
#include "minikv/record.hpp"

namespace minikv {

class write_ahead_log {
 public:
  // What open() found.
  struct contents {
    std::vector<record> records;  // the intact records, oldest first
    std::uint64_t cut_bytes = 0;  // size of the torn or damaged tail that was cut off
    std::string cut_reason;       // what was wrong with it (empty when nothing was cut)
  };

  // Opens the log at `file`, creating it if missing, reads its records into
  // `found` and cuts off a torn or damaged tail.
  [[nodiscard]] std::error_code open(const std::filesystem::path& file, contents& found);

  // Appends one record and fsyncs it: the change is durable when this returns
  // {}. On failure the log is cut back to its previous end, so it still holds
  // only whole records.
  [[nodiscard]] std::error_code append(const record& r);

  // Empties the log durably; for compaction, once a snapshot holds it all.
  [[nodiscard]] std::error_code clear();

 private:
  [[nodiscard]] std::error_code cut_tail();
  [[nodiscard]] std::error_code roll_back(std::error_code cause);

  file_descriptor fd_;
  std::uint64_t size_ = 0;  // bytes of whole records: where the next append begins
  std::error_code broken_;  // set when a roll-back failed: no append is safe after that
};

}  // namespace minikv

#endif  // MINIKV_LOG_HPP
