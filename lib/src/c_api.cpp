// SPDX-License-Identifier: Apache-2.0
// c_api.cpp: the C API of <crashpoint/crashpoint.h> over the C++ one.
#include "crashpoint/crashpoint.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "crashpoint/crashpoint.hpp"

// The C API exists even in a CRASHPOINT_DISABLED build of the library, so that
// objects compiled either way link; the macros only affect callers.
#undef crashpoint_maybe_panic_at
#undef crashpoint_maybe_panic_at_n
#undef crashpoint_maybe_fail_at
#undef crashpoint_maybe_fail_at_n

extern "C" {

void crashpoint_maybe_panic_at_n(const char* name, size_t len) {
  crashpoint::maybe_panic_at(std::string_view(name, len));
}

void crashpoint_maybe_panic_at(const char* name) { crashpoint::maybe_panic_at(std::string_view(name)); }

int crashpoint_maybe_fail_at_n(const char* name, size_t len) {
  return crashpoint::maybe_fail_at(std::string_view(name, len)) ? CRASHPOINT_INJECTED : 0;
}

int crashpoint_maybe_fail_at(const char* name) {
  return crashpoint::maybe_fail_at(std::string_view(name)) ? CRASHPOINT_INJECTED : 0;
}

int crashpoint_set_env_var(const char* name) { return crashpoint::set_env_var(name) ? 0 : -1; }

size_t crashpoint_fail_message(const char* name, char* buf, size_t size) {
  const std::string msg = crashpoint::env_var() + ": failing at checkpoint `" + name + "` (intentional)";
  if (size > 0) {
    const size_t n = msg.size() < size - 1 ? msg.size() : size - 1;
    std::memcpy(buf, msg.data(), n);
    buf[n] = '\0';
  }
  return msg.size();
}

}  // extern "C"
