// SPDX-License-Identifier: Apache-2.0
/* crashpoint/crashpoint.h: the checkpoint library's C API (C99).
 *
 * The same checkpoints as <crashpoint/crashpoint.hpp>, for C programs and for
 * other languages through FFI. Arming, messages, actions and the trace file are
 * identical; see that header and docs/checkpoint-library.md.
 *
 *     #include <crashpoint/crashpoint.h>
 *
 *     int save(struct store *s) {
 *       if (write_tmp(s) != 0) return -1;
 *       crashpoint_maybe_panic_at("save_after_tmp");
 *       if (crashpoint_maybe_fail_at("save_before_rename") != 0) {
 *         unlink_tmp(s);  // the rollback path under test
 *         return -1;
 *       }
 *       return rename_tmp(s);
 *     }
 *
 * Cost: an out-of-line call that returns after one atomic load when nothing is
 * armed (a few nanoseconds; the C++ API inlines that test). Define
 * CRASHPOINT_DISABLED to compile every checkpoint to nothing. A `throw` action
 * must not unwind through C frames: arm C checkpoints with the other actions.
 */
#ifndef CRASHPOINT_CRASHPOINT_H
#define CRASHPOINT_CRASHPOINT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The value crashpoint_maybe_fail_at returns when its checkpoint fires. */
#define CRASHPOINT_INJECTED 1

#ifndef CRASHPOINT_DISABLED

/* Crashes the process when `name` (a NUL-terminated string) is armed. */
void crashpoint_maybe_panic_at(const char* name);
/* As above, for a name of `len` bytes that need not be NUL-terminated. */
void crashpoint_maybe_panic_at_n(const char* name, size_t len);

/* Returns CRASHPOINT_INJECTED when `name` is armed (the point fired), else 0. */
int crashpoint_maybe_fail_at(const char* name);
int crashpoint_maybe_fail_at_n(const char* name, size_t len);

#else

#define crashpoint_maybe_panic_at(name) ((void)0)
#define crashpoint_maybe_panic_at_n(name, len) ((void)0)
#define crashpoint_maybe_fail_at(name) 0
#define crashpoint_maybe_fail_at_n(name, len) 0

#endif

/* Names the arming variable instead of the build-time default. Returns 0, or -1
 * (changing nothing) when the variable was already read. */
int crashpoint_set_env_var(const char* name);

/* Writes "VAR: failing at checkpoint `NAME` (intentional)" into buf (always
 * NUL-terminated when size > 0) and returns the length of the whole message,
 * like snprintf. */
size_t crashpoint_fail_message(const char* name, char* buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* CRASHPOINT_CRASHPOINT_H */
