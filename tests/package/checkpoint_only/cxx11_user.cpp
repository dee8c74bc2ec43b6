// SPDX-License-Identifier: Apache-2.0
// cxx11_user: a C++11 program that embeds a checkpoint through the C header,
// as a code base that cannot move to C++17 does (README, "Use from CMake").
#if __cplusplus != 201103L
#error "cxx11_user must be compiled as C++11: something raised the standard"
#endif
#include <crashpoint/crashpoint.h>

#include <cstdio>

int main() {
  if (crashpoint_maybe_fail_at("cxx11_checkpoint") == CRASHPOINT_INJECTED) {
    std::puts("cxx11: injected");
    return 1;
  }
  std::puts("cxx11: ok");
  return 0;
}
