// SPDX-License-Identifier: Apache-2.0
// minikv/store.hpp: the key-value store, a snapshot plus a write-ahead log,
// recovered on every open.
//
//     std::error_code ec;
//     minikv::store db = minikv::store::open("/var/lib/app", ec);
//     if (!ec) {
//       ec = db.put("colour", "blue");  // durable once it returns {}
//     }
//
// Files, under ROOT/data/ (names in minikv::layout):
//
//     snapshot      every key and value as of the last compaction (snapshot.hpp)
//     wal.log       every put and delete since then, each fsynced before it is
//                   acknowledged (log.hpp)
//     snapshot.tmp  a compaction in progress; a leftover is removed on open
//
// The state is the snapshot with the log replayed over it. Replay is idempotent
// (records are plain puts and deletes, no increments), so replaying a log that
// the snapshot already covers changes nothing. That is what lets compaction put
// the new snapshot in place first and empty the log second: a crash between the
// two loses nothing.
//
// One process and one thread at a time: an example keeps out file locking.
#ifndef MINIKV_STORE_HPP
#define MINIKV_STORE_HPP

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "minikv/log.hpp"
#include "minikv/snapshot.hpp"

namespace minikv {

// Where the store keeps its files.
namespace layout {
inline constexpr std::string_view data_dir = "data";  // under the store's root
inline constexpr std::string_view snapshot = "snapshot";
inline constexpr std::string_view snapshot_tmp = "snapshot.tmp";
inline constexpr std::string_view log = "wal.log";
inline constexpr std::string_view temporary_suffix = ".tmp";

// True for the name of a temporary file, such as snapshot.tmp.
inline bool is_temporary(std::string_view file_name) {
  return file_name.size() > temporary_suffix.size() &&
         file_name.substr(file_name.size() - temporary_suffix.size()) == temporary_suffix;
}
}  // namespace layout

// What recovery found and repaired when the store was opened.
struct recovery_report {
  std::size_t snapshot_entries = 0;              // keys loaded from the snapshot
  std::size_t log_records = 0;                   // records replayed from the log
  std::uint64_t cut_bytes = 0;                   // torn or damaged log tail cut off
  std::string cut_reason;                        // what was wrong with that tail
  std::vector<std::string> removed_temporaries;  // leftover file names
};

class store {
 public:
  // Opens the store under `root`, creating ROOT/data if needed, and recovers:
  // loads the snapshot, replays the log, cuts a torn tail off the log and
  // removes leftover temporaries. On error `ec` is set and the returned store
  // must not be used.
  [[nodiscard]] static store open(const std::filesystem::path& root, std::error_code& ec);

  // Sets `key` to `value`, durably.
  [[nodiscard]] std::error_code put(std::string_view key, std::string_view value);

  // Removes `key`, durably; errc::key_not_found if it is absent.
  [[nodiscard]] std::error_code del(std::string_view key);

  // The value of `key`, or nullptr.
  [[nodiscard]] const std::string* find(std::string_view key) const;

  [[nodiscard]] const table& entries() const noexcept { return entries_; }

  // Folds the log into a new snapshot and empties the log. On failure the
  // store is left as it was.
  [[nodiscard]] std::error_code compact();

  [[nodiscard]] const recovery_report& recovered() const noexcept { return report_; }

 private:
  explicit store(std::filesystem::path data_dir) : data_dir_(std::move(data_dir)) {}

  [[nodiscard]] std::error_code recover();
  [[nodiscard]] std::error_code make_data_dir();
  [[nodiscard]] std::error_code replay_log();
  [[nodiscard]] std::error_code remove_temporaries();
  [[nodiscard]] std::error_code install_snapshot(const std::filesystem::path& tmp);
  [[nodiscard]] std::error_code abandon_compaction(const std::filesystem::path& tmp, std::error_code cause);
  void apply(const record& r);

  std::filesystem::path data_dir_;
  write_ahead_log log_;
  table entries_;
  recovery_report report_;
};

}  // namespace minikv

#endif  // MINIKV_STORE_HPP
