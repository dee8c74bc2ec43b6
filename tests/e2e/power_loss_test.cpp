// SPDX-License-Identifier: Apache-2.0
// power_loss_test.cpp: [crash] model = "power-loss" and corrupt. After the
// crash the harness rebuilds the workdir as a power cut may leave it, and a
// failing run says what the state dropped. The proof programs save a file
// four ways (rec_save_ways) and append checksummed records (rec_log).
#include <nlohmann/json.hpp>

#include "suite_builder.hpp"

using namespace crashpoint::test;
using Catch::Contains;

namespace {

fs::path recorder_fixture(const std::string& name) {
  return fs::path(CRASHPOINT_RECORDER_FIXTURE_DIR) / name;
}

// Saves "new" over a durable "old" in `mode`, crashed just after the last
// call the mode makes: the save is complete, as when a program acknowledges
// it, so recovery must find "new".
std::string completed_save(const std::string& mode, const std::string& last_call, const std::string& model) {
  return "checkpoints = [\"" + last_call + "\"]\n" + R"([setup]
steps = [["{target}", "durable", "data", "old"]]
[crash]
command = ["{target}", ")" +
         mode + R"(", "data", "new"]
model = ")" +
         model + R"("
[[recover]]
command = ["cat", "data"]
stdout_equals = "new"
)";
}

void add_four_ways(e2e_suite& s, const std::string& model) {
  s.add("inplace.toml", completed_save("inplace", "sys:write@1+", model));
  s.add("rename.toml", completed_save("rename", "sys:rename@1+", model));
  s.add("fsync_rename.toml", completed_save("fsync-rename", "sys:rename@1+", model));
  s.add("durable.toml", completed_save("durable", "sys:fsync@2+", model));
}

// A rename save of "new" over a durable "old", killed right after the rename,
// each in-order crash state a run; `recover` is the [[recover]] table's body.
std::string rename_in_every_state(const std::string& recover) {
  return R"(checkpoints = ["sys:rename@1+"]
[setup]
steps = [["{target}", "durable", "data", "old"]]
[crash]
command = ["{target}", "rename", "data", "new"]
model = "power-loss"
crash_states = "all"
[[recover]]
)" + recover;
}

}  // namespace

TEST_CASE(
    "power loss: of four ways to save a file, a process crash loses none, a power cut all but the durable "
    "one") {
  e2e_suite p(suite_toml(recorder_fixture("rec_save_ways")));
  add_four_ways(p, "process");
  const auto process = p.run();
  INFO(shown(process));
  CHECK(exited_with(process, 0));
  CHECK(last_line(process.out.text) == "4 passed, 0 failed");

  e2e_suite s(suite_toml(recorder_fixture("rec_save_ways")));
  add_four_ways(s, "power-loss");
  const fs::path report = s.harness_tmp().parent_path() / "report.json";
  const auto power = s.run({"--json", report.string()});
  INFO(shown(power));
  CHECK(exited_with(power, 1));
  CHECK(last_line(power.out.text) == "1 passed, 3 failed");
  CHECK_THAT(power.out.text, Contains("PASS  durable  sys:fsync@2+"));
  // Each failure names what the state dropped, relative to the workdir.
  CHECK_THAT(power.out.text, Contains("lost: write(\"data\", 0..3) never fsynced"));
  CHECK_THAT(power.out.text,
             Contains("lost: rename(\"data.tmp\" -> \"data\") parent directory never fsynced"));
  const auto doc = nlohmann::json::parse(read_file(report));
  std::size_t with_lost = 0;
  for (const auto& run : doc["runs"]) {
    CHECK(run["crash_state"] == "clean");
    if (!run["lost"].empty()) ++with_lost;
  }
  CHECK(with_lost == 3);
}

TEST_CASE("power loss: --keep keeps the workdir as the crash left it beside the rebuilt one") {
  e2e_suite s(suite_toml(recorder_fixture("rec_save_ways")));
  add_four_ways(s, "power-loss");
  const auto r = s.run({"--only", "fsync_rename@sys:rename@1+"});
  INFO(shown(r));
  REQUIRE(exited_with(r, 1));
  const auto kept = s.kept_runs();
  REQUIRE(kept.size() == 1);
  CHECK(read_file(kept[0] / "crashed" / "data") == "new");  // the process crash kept the rename
  CHECK(read_file(kept[0] / "work" / "data") == "old");     // the power cut did not
}

TEST_CASE("power loss: crash_states = \"all\" runs each in-order prefix as SCENARIO@POINT#K") {
  e2e_suite s(suite_toml(recorder_fixture("rec_save_ways")));
  s.add("rename.toml", rename_in_every_state(
                           R"(command = ["sh", "-c", "c=$(cat data); test \"$c\" = old || test \"$c\" = new"]
)"));
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 0));
  // clean, then the prefixes of create, write, rename.
  CHECK_THAT(r.out.text, Contains("PASS  rename  sys:rename@1+  "));
  CHECK_THAT(r.out.text, Contains("PASS  rename  sys:rename@1+#1  "));
  CHECK_THAT(r.out.text, Contains("PASS  rename  sys:rename@1+#3  "));
  CHECK(last_line(r.out.text) == "4 passed, 0 failed");
  const auto capped = s.run({"--max-states", "2"});
  CHECK(last_line(capped.out.text) == "2 passed, 0 failed");
  CHECK_THAT(capped.out.text, Contains("2 of 4 crash states built (--max-states 2)"));
}

TEST_CASE(
    "corrupt = \"garbage\": a log replayed without its checksums is caught, one that checks them is not") {
  e2e_suite s(suite_toml(recorder_fixture("rec_log")));
  const std::string scenario = R"(checkpoints = ["sys:fsync@1+"]
[setup]
steps = [["{target}", "append", "log", "first"]]
[crash]
command = ["{target}", "append", "log", "second"]
corrupt = "garbage"
seed = 7
[[recover]]
command = ["{target}", "replay", "log")";
  s.add("verified.toml", scenario + R"(]
stdout_equals = "first\n"
)");
  s.add("unverified.toml", scenario + R"(, "--no-verify"]
stdout_equals = "first\n"
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  CHECK_THAT(r.out.text, Contains("PASS  verified  sys:fsync@1+"));
  CHECK_THAT(r.out.text, Contains("FAIL  unverified  sys:fsync@1+"));
}

TEST_CASE("bad input: model, crash_states and corrupt take only their values") {
  e2e_suite s(suite_toml(recorder_fixture("rec_save_ways")));
  s.add("bad.toml", R"(checkpoints = ["sys:rename@1"]
[crash]
command = ["{target}", "rename", "data", "new"]
model = "power-cut"
corrupt = "random"
)");
  s.add("states.toml", R"(checkpoints = ["sys:rename@1"]
[crash]
command = ["{target}", "rename", "data", "new"]
crash_states = "all"
)");
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 2));
  CHECK_THAT(r.err.text, Contains("bad.toml:4:9: error: `model`: expected \"process\" or \"power-loss\""));
  CHECK_THAT(
      r.err.text,
      Contains("bad.toml:5:11: error: `corrupt`: expected \"none\", \"torn\", \"zero\" or \"garbage\""));
  CHECK_THAT(r.err.text, Contains("`crash_states = \"all\"` needs `model = \"power-loss\"`"));
}

TEST_CASE("power loss: a failed state run's rerun command reruns its point with every state") {
  e2e_suite s(suite_toml(recorder_fixture("rec_save_ways")));
  s.add("rename.toml", rename_in_every_state(R"(command = ["cat", "data"]
stdout_equals = "new"
)"));
  const auto r = s.run();
  INFO(shown(r));
  CHECK(exited_with(r, 1));
  // State #1 (only the temporary's creation persisted) is planned by the
  // point's first run, so its rerun is the point with every state.
  CHECK_THAT(r.out.text, Contains("  rename@sys:rename@1+#1\n"));
  CHECK_THAT(r.out.text, Contains(" run --only 'rename@sys:rename@1+' --crash-states all ."));
}
