// SPDX-License-Identifier: Apache-2.0
// minikv/log.cpp: appending to, recovering and emptying the write-ahead log.
#include "minikv/log.hpp"

#include <fcntl.h>

#include <string_view>
#include <utility>

#include <crashpoint/crashpoint.hpp>

namespace minikv {

std::error_code write_ahead_log::open(const std::filesystem::path& file, contents& found) {
  // O_APPEND: every write goes to the end, so appends need no seek.
  if (std::error_code ec = open_file(file, O_RDWR | O_CREAT | O_APPEND, fd_)) {
    return ec;
  }
  std::string bytes;
  if (std::error_code ec = read_all(fd_.get(), bytes)) {
    return ec;
  }
  decoded_records decoded = decode_records(bytes);
  size_ = decoded.valid_bytes;
  found.records = std::move(decoded.records);
  found.cut_bytes = bytes.size() - size_;
  found.cut_reason = std::move(decoded.problem);
  return found.cut_bytes == 0 ? std::error_code{} : cut_tail();
}

std::error_code write_ahead_log::cut_tail() {
  if (std::error_code ec = truncate_file(fd_.get(), size_)) {
    return ec;
  }
  // Why here: the tail is gone from the file but the cut is not durable yet.
  // Whether or not it reaches the disk, the next start-up must read the same
  // records and cut the same tail again.
  crashpoint::maybe_panic_at("recover_after_cut");
  return sync_file(fd_.get());
}

std::error_code write_ahead_log::append(const record& r) {
  if (broken_) {
    return broken_;
  }
  const std::string framed = encode_record(r);
  const std::string_view header = std::string_view(framed).substr(0, record_header_size);
  const std::string_view payload = std::string_view(framed).substr(record_header_size);

  std::error_code ec = write_all(fd_.get(), header);
  if (!ec) {
    // Why here: one write(2) of the whole record would not be atomic either (a
    // power cut may persist any prefix of it). Two writes make that torn record
    // reachable by a mere process crash, so the recovery path that cuts it off
    // gets tested.
    crashpoint::maybe_panic_at("log_after_header");
    // Why a fail point: a write can fail half way (ENOSPC, EIO). The append must
    // then cut the log back to its old end: a record appended later behind the
    // torn one would be discarded with it by the next recovery.
    ec = crashpoint::maybe_fail_at("log_write_payload");
  }
  if (!ec) {
    ec = write_all(fd_.get(), payload);
  }
  if (!ec) {
    // Why here: the record is whole in the page cache but not on disk. After a
    // process crash it is replayed although the command never succeeded, which
    // is allowed: only acknowledged changes must survive.
    crashpoint::maybe_panic_at("log_before_fsync");
    ec = sync_file(fd_.get());
  }
  if (ec) {
    return roll_back(ec);
  }
  size_ += framed.size();
  // Why here: the change is durable but not yet acknowledged; after a crash it
  // must be visible (it is on disk) though the caller saw no success.
  crashpoint::maybe_panic_at("log_after_fsync");
  return {};
}

std::error_code write_ahead_log::roll_back(std::error_code cause) {
  std::error_code ec = truncate_file(fd_.get(), size_);
  if (!ec) {
    ec = sync_file(fd_.get());
  }
  if (ec) {
    // The torn record may still be there. The next open() will cut it, but
    // nothing may be appended behind it meanwhile.
    broken_ = cause;
  }
  return cause;
}

std::error_code write_ahead_log::clear() {
  if (std::error_code ec = truncate_file(fd_.get(), 0)) {
    return ec;
  }
  size_ = 0;
  // Why here: the log is empty in the page cache but maybe not on disk. The
  // snapshot already holds every change in it, and replay is idempotent, so
  // records that come back after a crash change nothing.
  crashpoint::maybe_panic_at("log_after_truncate");
  return sync_file(fd_.get());
}

}  // namespace minikv
