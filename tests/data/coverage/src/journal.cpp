// journal.cpp: checkpoints in C++ (a fixture for `crashpoint coverage`; never compiled).
#include "crashpoint/crashpoint.hpp"

void append_record() {
  crashpoint::maybe_panic_at("journal_after_append");
}

void rename_journal() {
  crashpoint::maybe_panic_at(
      "journal_after_rename");
}

std::error_code sync_journal() {
  return maybe_fail_at("journal_fsync");
}
