// SPDX-License-Identifier: Apache-2.0
// minikv_harness: a project's own harness executable, with recovery assertions
// written in C++ against the store's own code.
//
// It is the `crashpoint` command line (run, list, validate, ...) plus two named
// assertions that scenario files use as `[[assert]] cpp = "NAME"`:
//
//   minikv_invariants          minikv::fsck finds nothing wrong
//   acknowledged_puts_visible  every put that setup saw acknowledged (exit 0),
//                              and no later del removed, is in the store
//
//   $ minikv_harness run scenarios --target build/dev/examples/minikv/minikv
#include <crashpoint/harness.hpp>

#include <map>
#include <string>

#include "minikv/fsck.hpp"
#include "minikv/store.hpp"

namespace {

void check_invariants(crashpoint::assertion_context& ctx) {
  for (const std::string& problem : minikv::fsck(ctx.workdir())) ctx.fail(problem);
}

// What the acknowledged setup commands must have left: key -> value.
std::map<std::string, std::string> acknowledged_state(crashpoint::assertion_context& ctx) {
  std::map<std::string, std::string> expected;
  for (const crashpoint::step_report& step : ctx.steps()) {
    const bool acknowledged = step.how == crashpoint::step_report::end::exited && step.exit_code == 0;
    if (step.phase != "setup" || !acknowledged || step.argv.size() < 3) continue;
    if (step.argv[1] == "put" && step.argv.size() == 4) expected[step.argv[2]] = step.argv[3];
    if (step.argv[1] == "del") expected.erase(step.argv[2]);
  }
  return expected;
}

void check_acknowledged_puts(crashpoint::assertion_context& ctx) {
  std::error_code ec;
  const minikv::store db = minikv::store::open(ctx.workdir(), ec);
  if (ec) return ctx.fail("cannot open the store: " + ec.message());
  for (const auto& [key, value] : acknowledged_state(ctx)) {
    const std::string* found = db.find(key);
    if (found == nullptr)
      ctx.fail("acknowledged key `" + key + "` is missing");
    else if (*found != value)
      ctx.fail("key `" + key + "` is `" + *found + "`, expected `" + value + "`");
  }
}

}  // namespace

int main(int argc, char** argv) {
  crashpoint::register_assertion("minikv_invariants", check_invariants);
  crashpoint::register_assertion("acknowledged_puts_visible", check_acknowledged_puts);
  return crashpoint::harness_main(argc, argv);
}
