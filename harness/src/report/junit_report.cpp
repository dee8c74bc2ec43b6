// SPDX-License-Identifier: Apache-2.0
// junit_report.cpp: JUnit XML, escaped for XML 1.0 (see junit_report.hpp).
#include "report/junit_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "util/utf8.hpp"

namespace crashpoint::harness {
namespace {

// The length of the UTF-8 sequence starting at text[i] (a non-ASCII byte), or
// 0 when it is not valid UTF-8 or encodes a code point XML 1.0 forbids.
std::size_t xml_char_length(std::string_view text, std::size_t i) {
  const utf8_char c = decode_utf8(text, i);
  return c.code_point == 0xFFFE || c.code_point == 0xFFFF ? 0 : c.length;
}

void append_ascii(std::string& out, char c, bool attribute) {
  switch (c) {
    case '&': out += "&amp;"; return;
    case '<': out += "&lt;"; return;
    case '>': out += "&gt;"; return;
    case '"': out += attribute ? "&quot;" : "\""; return;
    case '\t': out += attribute ? "&#9;" : "\t"; return;
    case '\n': out += attribute ? "&#10;" : "\n"; return;
    case '\r': out += "&#13;"; return;  // a raw CR would be read back as a newline
    default: break;
  }
  if (static_cast<unsigned char>(c) < 0x20) {
    out += fmt::format("\\x{:02X}", static_cast<unsigned>(c));  // XML 1.0 has no way to hold it
  } else {
    out += c;
  }
}

std::string attr(std::string_view name, std::string_view value) {
  return fmt::format(" {}=\"{}\"", name, xml_escape(value, true));
}

// The runs of one scenario file, in plan order: completed, then skipped.
struct scenario_group {
  std::string name;
  fs::path file;
  std::vector<const run_result*> runs;
  std::vector<const skipped_run*> skipped;
};

scenario_group& group_of(std::vector<scenario_group>& groups, const std::string& name, const fs::path& file) {
  auto it = std::find_if(groups.begin(), groups.end(),
                         [&](const scenario_group& g) { return g.file == file && g.name == name; });
  if (it == groups.end()) it = groups.insert(groups.end(), {name, file, {}, {}});
  return *it;
}

std::vector<scenario_group> by_scenario(const session_record& session) {
  std::vector<scenario_group> groups;
  for (const run_result& r : session.results)
    group_of(groups, r.scenario, r.scenario_file).runs.push_back(&r);
  for (const skipped_run& r : session.skipped) {
    group_of(groups, r.scenario, r.scenario_file).skipped.push_back(&r);
  }
  return groups;
}

// "tests", "failures" and "errors", as <testsuite> and <testsuites> both have them.
std::string count_attrs(const std::vector<const run_result*>& runs, std::size_t skipped) {
  std::size_t failures = 0, errors = 0;
  for (const run_result* r : runs) {
    if (r->passed()) continue;
    (r->kind == failure_kind::harness_error ? errors : failures)++;
  }
  return attr("tests", std::to_string(runs.size() + skipped)) + attr("failures", std::to_string(failures)) +
         attr("errors", std::to_string(errors));
}

std::string failure_text(const run_result& r) {
  std::string text = std::string(to_string(r.kind)) + ": " + r.reason + "\n";
  if (!r.point_call.empty()) text += "call: " + r.point_call + "\n";
  for (const std::string& w : r.warnings) text += "warning: " + w + "\n";
  if (!r.crash_state.empty()) text += "crash state: " + r.crash_state + "\n";
  for (const std::string& l : r.lost) text += "lost: " + l + "\n";
  for (const std::string& d : r.details) text += d + (d.ends_with('\n') ? "" : "\n");
  if (!r.run_dir.empty()) text += "kept: " + r.run_dir.string() + "\n";
  if (!r.reproduce.empty()) {
    text += "reproduce:\n";
    std::istringstream lines(r.reproduce);
    for (std::string line; std::getline(lines, line);) text += "  " + line + "\n";
  }
  return text;
}

std::string testcase(const run_result& r) {
  std::string out = "    <testcase" + attr("name", r.checkpoint) + attr("classname", r.scenario) +
                    attr("time", seconds_text(r.duration));
  if (r.passed() && r.warnings.empty()) return out + "/>\n";
  if (r.passed()) {
    std::string text;
    for (const std::string& w : r.warnings) text += "warning: " + w + "\n";
    return out +
           fmt::format(">\n      <system-out>{}</system-out>\n    </testcase>\n", xml_escape(text, false));
  }
  const char* element = r.kind == failure_kind::harness_error ? "error" : "failure";
  const std::string message = std::string(to_string(r.kind)) + ": " + r.reason;
  out += fmt::format(">\n      <{}{}{}>{}</{}>\n    </testcase>\n", element, attr("message", message),
                     attr("type", kind_id(r.kind)), xml_escape(failure_text(r), false), element);
  return out;
}

std::string properties(const session_record& session) {
  std::string out = "    <properties>\n";
  const auto property = [&](std::string_view name, std::string_view value) {
    out += "      <property" + attr("name", name) + attr("value", value) + "/>\n";
  };
  property("interrupted", session.interrupted ? "true" : "false");
  if (session.shard) property("shard", session.shard->text());
  return out + "    </properties>\n";
}

std::string skipped_testcase(const skipped_run& r) {
  return "    <testcase" + attr("name", r.checkpoint) + attr("classname", r.scenario) +
         attr("time", "0.000") + ">\n      <skipped" +
         attr("message", "not run: the session stopped before this run started") + "/>\n    </testcase>\n";
}

std::string testsuite(const scenario_group& g, const session_record& session) {
  std::chrono::nanoseconds time{};
  for (const run_result* r : g.runs) time += r->duration;
  std::string out = "  <testsuite" + attr("name", g.name) + count_attrs(g.runs, g.skipped.size()) +
                    attr("skipped", std::to_string(g.skipped.size())) + attr("time", seconds_text(time)) +
                    attr("timestamp", utc_timestamp(session.started));
  if (!g.file.empty()) out += attr("file", display_path(g.file));
  out += ">\n" + properties(session);
  for (const run_result* r : g.runs) out += testcase(*r);
  for (const skipped_run* r : g.skipped) out += skipped_testcase(*r);
  return out + "  </testsuite>\n";
}

}  // namespace

std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      append_ascii(out, text[i++], attribute);
    } else if (const std::size_t n = xml_char_length(text, i); n > 0) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER, one per bad byte
      ++i;
    }
  }
  return out;
}

std::string junit_xml(const session_record& session) {
  std::vector<const run_result*> all;
  for (const run_result& r : session.results) all.push_back(&r);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" + attr("name", "crashpoint") +
                    count_attrs(all, session.skipped.size()) + attr("time", seconds_text(session.duration)) +
                    ">\n";
  std::vector<scenario_group> groups = by_scenario(session);
  if (groups.empty()) groups.push_back({"crashpoint", {}, {}, {}});
  for (const scenario_group& g : groups) out += testsuite(g, session);
  return out + "</testsuites>\n";
}

}  // namespace crashpoint::harness
