// SPDX-License-Identifier: Apache-2.0
// command_launcher.cpp: the real launcher starts real processes.
#include "run/command_launcher.hpp"

namespace crashpoint::harness {
namespace {

class real_launcher final : public command_launcher {
 public:
  command_result run(const command& cmd) override { return run_command(cmd); }
};

}  // namespace

command_launcher& process_launcher() {
  static real_launcher launcher;
  return launcher;
}

}  // namespace crashpoint::harness
