/* index.c: checkpoints through the C API (a fixture for `crashpoint coverage`). */
#include "crashpoint/crashpoint.h"

void index_write(void) {
  crashpoint_maybe_panic_at("index_after_write");
  crashpoint_maybe_panic_at("journal_after_append"); /* a second place for the same name */
}

int index_flush(void) {
  return crashpoint_maybe_fail_at_n("index_flush", 11);
}
