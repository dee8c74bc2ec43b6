// SPDX-License-Identifier: Apache-2.0
// minikv/store.cpp: recovery, changes and compaction (the file layout and the
// reasoning behind it are in store.hpp).
#include "minikv/store.hpp"

#include <utility>
#include <vector>

#include <crashpoint/crashpoint.hpp>

#include "minikv/error.hpp"
#include "minikv/file_io.hpp"

namespace minikv {
namespace {

bool valid_key(std::string_view key) {
  return !key.empty() && key.size() <= max_key_size && key.find_first_of("=\n") == std::string_view::npos;
}

}  // namespace

// ---- recovery ---------------------------------------------------------------

store store::open(const std::filesystem::path& root, std::error_code& ec) {
  store s(root / layout::data_dir);
  ec = s.recover();
  return s;
}

std::error_code store::recover() {
  if (std::error_code ec = make_data_dir()) {
    return ec;
  }
  if (std::error_code ec = load_snapshot(data_dir_ / layout::snapshot, entries_)) {
    return ec;
  }
  report_.snapshot_entries = entries_.size();
  if (std::error_code ec = replay_log()) {
    return ec;
  }
  if (std::error_code ec = remove_temporaries()) {
    return ec;
  }
  // Makes durable the log's name, if open() just created it, and the removals.
  return sync_directory(data_dir_);
}

std::error_code store::make_data_dir() {
  // A new folder's name is durable only once the folder holding it is synced,
  // and --dir may name several that do not exist yet: each one created is
  // followed by a sync of its parent, from the top down, so that a power cut
  // cannot take away a folder under which an acknowledged change was made.
  std::vector<std::filesystem::path> missing;
  std::error_code ec;
  for (std::filesystem::path p = data_dir_; !p.empty(); p = p.parent_path()) {
    if (std::filesystem::exists(p, ec) || ec) {
      break;
    }
    missing.push_back(p);
  }
  if (ec) {
    return ec;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    std::filesystem::create_directory(*it, ec);
    if (ec) {
      return ec;
    }
    const std::filesystem::path parent = it->parent_path();
    if (std::error_code sync_ec = sync_directory(parent.empty() ? "." : parent)) {
      return sync_ec;
    }
  }
  return {};
}

std::error_code store::replay_log() {
  write_ahead_log::contents found;
  if (std::error_code ec = log_.open(data_dir_ / layout::log, found)) {
    return ec;
  }
  for (const record& r : found.records) {
    apply(r);
  }
  report_.log_records = found.records.size();
  report_.cut_bytes = found.cut_bytes;
  report_.cut_reason = std::move(found.cut_reason);
  return {};
}

std::error_code store::remove_temporaries() {
  std::error_code ec;
  std::filesystem::directory_iterator it(data_dir_, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!layout::is_temporary(name)) {
      continue;
    }
    // A temporary is a compaction that never reached its commit point (the
    // rename): the snapshot and the log still hold everything it did.
    if (std::filesystem::remove(it->path(), ec); ec) {
      return ec;
    }
    report_.removed_temporaries.push_back(std::move(name));
  }
  if (!report_.removed_temporaries.empty()) {
    // Why here: the leftovers are gone, but the removal is not durable until
    // the directory is synced. If they come back after a crash, the next
    // start-up removes them again.
    crashpoint::maybe_panic_at("recover_after_cleanup");
  }
  return ec;
}

void store::apply(const record& r) {
  if (r.kind == op::put) {
    entries_[r.key] = r.value;
  } else {
    const auto it = entries_.find(r.key);
    if (it != entries_.end()) {
      entries_.erase(it);
    }
  }
}

// ---- changes ----------------------------------------------------------------

std::error_code store::put(std::string_view key, std::string_view value) {
  if (!valid_key(key)) {
    return errc::invalid_key;
  }
  if (value.size() > max_value_size) {
    return errc::value_too_large;
  }
  record r{op::put, std::string(key), std::string(value)};
  if (std::error_code ec = log_.append(r)) {
    return ec;
  }
  apply(r);
  return {};
}

std::error_code store::del(std::string_view key) {
  if (find(key) == nullptr) {
    return errc::key_not_found;
  }
  record r{op::del, std::string(key), {}};
  if (std::error_code ec = log_.append(r)) {
    return ec;
  }
  apply(r);
  return {};
}

const std::string* store::find(std::string_view key) const {
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

// ---- compaction -------------------------------------------------------------

std::error_code store::compact() {
  const std::filesystem::path tmp = data_dir_ / layout::snapshot_tmp;
  if (std::error_code ec = write_snapshot_file(tmp, entries_)) {
    return abandon_compaction(tmp, ec);
  }
#ifdef MINIKV_INJECT_BUG
  // THE DELIBERATE BUG, compiled into minikv_buggy only: the log is emptied
  // before the new snapshot is in place. Until the rename, the changes it held
  // live only in snapshot.tmp, which recovery removes as a leftover: a crash or
  // a failed rename from here on loses them.
  if (std::error_code ec = log_.clear()) {
    return ec;
  }
#endif
  // Why here: snapshot.tmp is durable but is not the snapshot yet. A crash here
  // leaves a stray temporary for the next start-up to remove.
  crashpoint::maybe_panic_at("compact_before_rename");
  if (std::error_code ec = install_snapshot(tmp)) {
    return abandon_compaction(tmp, ec);
  }
  // The new snapshot covers the whole log, which can now go.
  return log_.clear();
}

std::error_code store::install_snapshot(const std::filesystem::path& tmp) {
  // Why a fail point: rename(2) can fail (EIO, ENOSPC, EXDEV). Compaction must
  // then roll back and leave the store exactly as it was.
  if (std::error_code ec = crashpoint::maybe_fail_at("compact_rename")) {
    return ec;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, data_dir_ / layout::snapshot, ec);
  if (ec) {
    return ec;
  }
  // Why here: the rename is the commit point, but it is durable only once the
  // directory is synced. Either snapshot may be found after a crash; replaying
  // the log over either gives the same state.
  crashpoint::maybe_panic_at("compact_after_rename");
  return sync_directory(data_dir_);
}

std::error_code store::abandon_compaction(const std::filesystem::path& tmp, std::error_code cause) {
  // Why here: compaction failed before its commit point, so the old snapshot
  // and the log still hold the state and removing the temporary is the whole
  // roll-back. A crash here leaves the temporary for the next start-up.
  crashpoint::maybe_panic_at("compact_rollback");
  std::error_code ignored;  // a temporary left behind is removed on the next open
  std::filesystem::remove(tmp, ignored);
  return cause;
}

}  // namespace minikv
