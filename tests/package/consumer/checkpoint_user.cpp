// SPDX-License-Identifier: Apache-2.0
// checkpoint_user: a C++ program that embeds a checkpoint (crashpoint::checkpoint).
//
//   checkpoint_user save     writes state.tmp, then renames it to state
//   checkpoint_user status   removes a leftover state.tmp; prints `clean`
#include <crashpoint/crashpoint.hpp>

#include <cstdio>
#include <fstream>
#include <string_view>

int main(int argc, char** argv) {
  const std::string_view command = argc == 2 ? argv[1] : "";
  if (command == "save") {
    std::ofstream("state.tmp") << "saved\n";
    crashpoint::maybe_panic_at("save_after_tmp");
    return std::rename("state.tmp", "state") == 0 ? 0 : 1;
  }
  if (command == "status") {
    std::remove("state.tmp");
    std::puts("clean");
    return 0;
  }
  std::fputs("usage: checkpoint_user save|status\n", stderr);
  return 2;
}
