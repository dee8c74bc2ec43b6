// SPDX-License-Identifier: Apache-2.0
// consumer_harness: a user's own harness executable (crashpoint::harness), the
// `crashpoint` command line plus the C++ assertion `state_saved`.
#include <crashpoint/harness.hpp>

#include <filesystem>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  crashpoint::register_assertion("state_saved", [](crashpoint::assertion_context& ctx) {
    std::ifstream in(ctx.workdir() / "state");
    std::string line;
    if (!std::getline(in, line) || line != "saved") ctx.fail("state does not hold `saved`");
  });
  return crashpoint::harness_main(argc, argv);
}
