// SPDX-License-Identifier: Apache-2.0
// suite_builder.hpp: writes a suite folder from TOML strings and runs the real
// `crashpoint` executable on it, the way a user would.
//
//   e2e_suite s(store_suite());
//   s.add("deposit.toml", R"(checkpoints = ["store_after_tmp"] ...)");
//   const auto r = s.crashpoint({"run"});
//   CHECK(exited_with(r, 0));
//   CHECK(last_line(r.out.text) == "1 passed, 0 failed");
//
// Each e2e_suite owns a fresh folder with the suite in `suite/`, and gives the
// harness its own TMPDIR (`tmp/`) and HOME (`home/`), so a test can look at
// what the harness left behind and nothing leaks into the real /tmp.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "files.hpp"
#include "spawn.hpp"

namespace crashpoint::test {

inline fs::path crashpoint_exe() { return CRASHPOINT_TEST_EXE; }

// The fixture targets (tests/fixtures): the store built with our library, the
// plain shell script, and the script that speaks another protocol.
inline fs::path store_exe() { return fixture("e2e_store"); }
inline fs::path shell_fixture(const std::string& name) { return source_dir() / "tests/fixtures" / name; }
inline fs::path shell_store() { return shell_fixture("e2e_shell_store.sh"); }
inline fs::path mytool() { return shell_fixture("e2e_mytool.sh"); }

// A suite file whose target is `exe`; `more` is appended (extra [target] keys,
// then other tables).
inline std::string suite_toml(const fs::path& exe, const std::string& more = "") {
  return "[target]\ncommand = \"" + exe.string() + "\"\n" + more;
}
inline std::string store_suite() { return suite_toml(store_exe()); }
inline std::string shell_suite() { return suite_toml(shell_store()); }
inline std::string mytool_suite() {
  return suite_toml(mytool(), R"(env_var = "MYTOOL_FAULT_INJECT"
crash_message = "thread 'main' panicked at 'mytool: injected fault at {checkpoint}'"
crash_status = 101
)");
}

// A scenario over e2e_store: init, set 5, then `set 7` armed with `checkpoint`.
// Tests append their own [[recover]] and [[assert]] tables.
inline std::string store_scenario(const std::string& checkpoint) {
  return "checkpoints = [\"" + checkpoint + R"("]
[setup]
steps = [["{target}", "init"], ["{target}", "set", "5"]]
[crash]
command = ["{target}", "set", "7"]
)";
}

using file_list = std::vector<std::pair<std::string, std::string>>;  // path, content

class e2e_suite {
 public:
  // The suite file's text, and other files (scenarios, golden files) to add.
  explicit e2e_suite(const std::string& suite_file_text, const file_list& files = {}) {
    fs::create_directories(suite_dir());
    fs::create_directories(harness_tmp());
    fs::create_directories(harness_home());
    add("crashpoint.toml", suite_file_text);
    for (const auto& [rel, text] : files) add(rel, text);
  }

  // Writes `text` to `rel` inside the suite folder, creating folders.
  void add(const std::string& rel, const std::string& text) const {
    const fs::path file = suite_dir() / rel;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
  }

  fs::path suite_dir() const { return root_ / "suite"; }
  fs::path harness_tmp() const { return root_ / "tmp"; }    // the harness's TMPDIR
  fs::path harness_home() const { return root_ / "home"; }  // the harness's HOME

  // Runs `crashpoint args...` from the suite folder (so the default path
  // `scenarios` is not used: pass "." or file names), with TMPDIR and HOME set
  // as above plus `env`.
  harness::command_result crashpoint(std::vector<std::string> args, env_vars env = {}) const {
    env.emplace("TMPDIR", harness_tmp().string());
    env.emplace("HOME", harness_home().string());
    return spawn(crashpoint_exe(), std::move(args), std::move(env), suite_dir());
  }

  // `crashpoint run .`, plus `extra` options.
  harness::command_result run(std::vector<std::string> extra = {}, env_vars env = {}) const {
    std::vector<std::string> args{"run", "."};
    args.insert(args.end(), extra.begin(), extra.end());
    return crashpoint(std::move(args), std::move(env));
  }

  // Everything the harness left in its TMPDIR, relative to it.
  std::vector<std::string> leftovers() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(harness_tmp())) {
      out.push_back(e.path().lexically_relative(harness_tmp()).string());
    }
    return out;
  }

  // The run directories kept under the harness's temp roots, sorted.
  std::vector<fs::path> kept_runs() const {
    std::vector<fs::path> out;
    for (const auto& root : fs::directory_iterator(harness_tmp())) {
      for (const auto& run : fs::directory_iterator(root.path())) out.push_back(run.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  temp_dir dir_;
  fs::path root_ = dir_.path();
};

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

inline std::string last_line(const std::string& text) {
  const auto lines = lines_of(text);
  return lines.empty() ? "" : lines.back();
}

// The PASS/FAIL lines of a report without their timing: "PASS  scen  ckpt".
inline std::vector<std::string> verdicts(const std::string& out) {
  std::vector<std::string> v;
  for (const std::string& line : lines_of(out)) {
    if (line.rfind("PASS  ", 0) != 0 && line.rfind("FAIL  ", 0) != 0) continue;
    v.push_back(line.substr(0, line.rfind("  (")));
  }
  return v;
}

// The value of the first line starting with `prefix` (after any indent), or "".
inline std::string value_after(const std::string& text, const std::string& prefix) {
  for (const std::string& line : lines_of(text)) {
    const auto at = line.find_first_not_of(' ');
    if (at != std::string::npos && line.compare(at, prefix.size(), prefix) == 0) {
      return line.substr(at + prefix.size());
    }
  }
  return "";
}

// Whether `text` has a line equal to `line` once its indent is stripped.
inline bool has_line(const std::string& text, const std::string& line) {
  const auto lines = lines_of(text);
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
    const auto at = l.find_first_not_of(' ');
    return at != std::string::npos && l.compare(at, std::string::npos, line) == 0;
  });
}

// How a command ended and what it printed, for INFO() on a failed check.
inline std::string shown(const harness::command_result& r) {
  return r.status.describe() + "\n--- stdout:\n" + r.out.text + "--- stderr:\n" + r.err.text;
}

// A scenario over the store that asserts the old value 5 survives `set 7`
// crashed at each of `checkpoints` (a TOML array's items). It does at
// store_after_tmp (pass), not at store_after_rename (an assertion fails).
// `get` recovers; without a [[recover]] step the harness would rerun `set 7`.
inline std::string old_value_scenario(const std::string& checkpoints) {
  return "checkpoints = [" + checkpoints + R"(]
[setup]
steps = [["{target}", "init"], ["{target}", "set", "5"]]
[crash]
command = ["{target}", "set", "7"]
[[recover]]
command = ["{target}", "get"]
[[assert]]
file = "data/value"
equals = "5\n"
)";
}

// One scenario: passes at store_after_tmp, fails at store_after_rename.
inline e2e_suite one_pass_one_fail() {
  return e2e_suite(store_suite(),
                   {{"old_value.toml", old_value_scenario(R"("store_after_tmp", "store_after_rename")")}});
}

}  // namespace crashpoint::test
