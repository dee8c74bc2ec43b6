// SPDX-License-Identifier: Apache-2.0
/* c_api_user: a C99 program that embeds a checkpoint through the C API.
 * Prints `c api: ok`, or `c api: injected: MESSAGE` when c_checkpoint is armed
 * with the `error` action. */
#include <crashpoint/crashpoint.h>
#include <stdio.h>

int main(void) {
  char message[256];
  if (crashpoint_maybe_fail_at("c_checkpoint") == CRASHPOINT_INJECTED) {
    crashpoint_fail_message("c_checkpoint", message, sizeof message);
    printf("c api: injected: %s\n", message);
    return 0;
  }
  printf("c api: ok\n");
  return 0;
}
