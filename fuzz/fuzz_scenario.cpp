// SPDX-License-Identifier: Apache-2.0
// fuzz_scenario.cpp: libFuzzer target for the scenario and suite file readers
// (harness/src: toml_reader, scenario_parser, suite_parser, assertion_parser,
// scenario_fields, with toml++ underneath).
//
// The bytes are the text of one file. They go through the same steps
// scenario_loader.cpp's parse_file() and load_scenario() take, in memory:
// loader::parse_toml() parses them (an error must carry a place, and its UTF-8
// check must never reject what toml++ accepts; its depth check may, refusing
// text toml++ would recurse into too deeply), then the table is read both as
// a scenario file (against a fixed suite) and as a suite file.
// Nothing is written to disk; the scenario's folder is fuzz/scenario_dir,
// holding a fixture folder `fx/` and a golden file `golden.txt`, so the
// existence checks of `fixture` and `equals_file` take both branches.
//
// Invariants, beyond "no crash, no leak, no undefined behaviour":
//   - every diagnostic has a non-empty message and names the file;
//   - format_diagnostic() never throws;
//   - a scenario read without errors has checkpoints, all non-empty and
//     distinct (or `checkpoints = "auto"` and none listed), a crash command
//     whose program is non-empty, a timeout in range, and assertion paths
//     that are relative and never climb out through "..".
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/nesting_depth.hpp"
#include "scenario/scenario_fields.hpp"
#include "scenario/scenario_loader.hpp"
#include "scenario/scenario_parser.hpp"

namespace {

namespace fs = std::filesystem;
namespace h = crashpoint::harness;

void require(bool ok) {
  if (!ok) __builtin_trap();
}

// The folder the fuzzed scenario file "lives" in: fuzz/scenario_dir in the
// source tree (CMake passes its path), holding the fixture folder `fx/` and the
// golden file `golden.txt`. It is only ever looked at, never written.
const fs::path& scenario_dir() {
  static const fs::path dir = CRASHPOINT_FUZZ_SCENARIO_DIR;
  return dir;
}

constexpr std::string_view suite_text = R"([target]
command = "./prog"
env_var = "CRASHPOINT"
crash_status = "SIGABRT"
[defaults]
timeout = "30s"
)";

// The suite every fuzzed scenario belongs to, read by the real suite parser.
const h::suite& fixed_suite() {
  static const h::suite s = [] {
    h::suite out;
    out.file = scenario_dir() / "crashpoint.toml";
    out.dir = scenario_dir();
    std::vector<h::diagnostic> errors;
    h::loader::diagnostics_sink sink(out.file, errors);
    const std::optional<toml::table> t = h::loader::parse_toml(suite_text, sink);
    require(t.has_value());
    h::loader::parse_suite(*t, sink, out);
    require(errors.empty());
    return out;
  }();
  return s;
}

void check_diagnostics(const std::vector<h::diagnostic>& errors, const fs::path& file) {
  for (const h::diagnostic& d : errors) {
    require(!d.message.empty());
    require(d.where.file == file);
    require(!h::format_diagnostic(d).empty());
  }
}

bool stays_inside(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  int depth = 0;
  for (const auto& part : fs::path(path)) {
    if (part == "..") {
      if (--depth < 0) return false;
    } else if (part != "." && !part.empty()) {
      ++depth;
    }
  }
  return true;
}

void check_valid_scenario(const h::scenario& s) {
  require(s.auto_checkpoints != !s.checkpoints.empty());  // a list, or "auto" and no list
  std::set<std::string> distinct;
  for (const auto& c : s.checkpoints) {
    require(!c.value.empty() && c.where.line > 0);
    distinct.insert(c.value);
  }
  require(distinct.size() == s.checkpoints.size());
  require(!s.crash.argv.empty() && !s.crash.argv.front().empty());
  if (s.timeout) {
    require(*s.timeout >= h::loader::min_timeout && *s.timeout <= h::loader::max_timeout);
  }
  for (const auto& step : s.setup_steps) {
    require(!step.value.empty() && !step.value.front().empty() && step.where.line > 0);
  }
  for (const h::assertion& a : s.asserts) {
    if (const auto* file = a.as<h::file_check>()) require(stays_inside(file->path));
    if (const auto* glob = a.as<h::glob_check>()) require(stays_inside(glob->pattern));
  }
}

#ifdef CRASHPOINT_FUZZ_SKIP_TOML_UNREACHABLE
// toml++ 3.3.0 (Debian 12's) reaches __builtin_unreachable() in
// is_non_ascii_horizontal_whitespace() when it asks whether such a code point
// is whitespace: most of U+00A1..U+0499, U+2EAE..U+32A7 and U+FE9C..U+FEFE
// (upstream marzer/tomlplusplus#190 and #295, fixed by #305 after 3.3). UBSan
// stops there, so the fuzzer would find it again and again; it skips inputs
// holding one. The inputs it found are in regressions/fuzz_scenario, which the
// replay runs through Debian's shared library (where the compiled code answers
// "not whitespace" and the file gets a clean parse error).
bool hits_toml_unreachable(char32_t c) {
  if (c < 0xA0 || c > 0xFEFF || c == 0xA0 || c == 0x3000 || c == 0xFEFF) return false;
  const auto index = (static_cast<std::uint64_t>(c) - 0xA0) / 0x3FA;
  return index == 0 || index == 11 || index == 63;
}

// Decodes UTF-8 leniently (as far as it goes) looking for such a code point.
bool holds_toml_unreachable(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
    if (extra == 0 || i + extra >= text.size()) continue;
    char32_t c = lead & (0x3F >> extra);
    for (std::size_t k = 1; k <= extra; ++k) c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    if (hits_toml_unreachable(c)) return true;
  }
  return false;
}
#endif

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path file = scenario_dir() / "fuzzed.toml";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string source = file.string();
#ifdef CRASHPOINT_FUZZ_SKIP_TOML_UNREACHABLE
  if (holds_toml_unreachable(text)) return 0;
#endif

  // As scenario_loader.cpp's parse_file() does.
  std::vector<h::diagnostic> parse_errors;
  h::loader::diagnostics_sink parse_sink(file, parse_errors);
  const std::optional<toml::table> parsed = h::loader::parse_toml(text, parse_sink);
  if (!parsed) {
    require(parse_errors.size() == 1);
    require(parse_errors[0].where.line > 0 && parse_errors[0].where.column > 0);
    check_diagnostics(parse_errors, file);
    // Text nested too deep is refused before toml++ sees it, on purpose:
    // toml++ recurses once per level (regressions/fuzz_scenario/deep-*).
    if (h::toml_too_deep(text, h::max_toml_depth)) return 0;
    // The loader's own UTF-8 check never rejects what toml++ would accept.
    bool toml_accepts = true;
    try {
      (void)toml::parse(text, std::string_view(source));
    } catch (const toml::parse_error&) {
      toml_accepts = false;
    }
    require(!toml_accepts);
    return 0;
  }
  const toml::table& table = *parsed;

  std::vector<h::diagnostic> errors;
  h::loader::diagnostics_sink sink(file, errors);
  h::scenario s;
  s.file = file;
  h::loader::parse_scenario(table, fixed_suite(), sink, s);
  check_diagnostics(errors, file);
  if (errors.empty()) check_valid_scenario(s);

  // The same table read as a crashpoint.toml.
  std::vector<h::diagnostic> suite_errors;
  h::loader::diagnostics_sink suite_sink(file, suite_errors);
  h::suite as_suite;
  as_suite.file = file;
  as_suite.dir = file.parent_path();
  h::loader::parse_suite(table, suite_sink, as_suite);
  check_diagnostics(suite_errors, file);
  if (suite_errors.empty()) require(!as_suite.command.empty() && !as_suite.env_var.empty());
  return 0;
}
