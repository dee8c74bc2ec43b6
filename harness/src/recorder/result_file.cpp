// SPDX-License-Identifier: Apache-2.0
// result_file.cpp: the result file's JSON, both ways (see result_file.hpp).
#include "recorder/result_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "recorder/errno_names.hpp"
#include "recorder/log_reader.hpp"
#include "recorder/log_writer.hpp"
#include "util/signal_names.hpp"

namespace crashpoint::recorder {

namespace {

using json = nlohmann::json;
constexpr std::string_view result_format_name = "crashpoint-record";
constexpr int result_format_version = 1;
constexpr std::uintmax_t max_result_bytes = 64u << 20;

// Byte strings that may not be UTF-8 go through the log's own encoding.
json call_json(const io_op& op) { return json::parse(format_call(op)); }

json end_json(const command_end& e) {
  switch (e.k) {
    case command_end::kind::exited: return {{"kind", "exited"}, {"exit_code", e.exit_code}};
    case command_end::kind::signaled:
      return {{"kind", "signaled"}, {"signal", e.signal}, {"signal_name", harness::signal_name(e.signal)}};
    case command_end::kind::not_started: break;
  }
  return {{"kind", "not_started"}, {"error", e.error}};
}

json point_json(const point_report& p) {
  json j = {{"spec", p.spec}, {"action", p.action}, {"reached", p.reached}};
  j["call"] = p.call ? call_json(*p.call) : json(nullptr);
  if (p.action == "fail") {
    j["errno"] = std::string(errno_name(p.error));
  } else {
    j["kill"] = {
        {"delivered", p.kill_delivered}, {"all_reaped", p.all_reaped}, {"processes", p.processes_killed}};
  }
  return j;
}

json counts_json(const record_counts& c) {
  return {{"calls", c.calls},
          {"by_kind", c.by_kind},
          {"by_call", c.by_call},
          {"processes", c.processes},
          {"threads", c.threads}};
}

// Reading: each accessor names the field path in its error.
[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw result_error(fmt::format("field '{}' {}", where, what));
}

const json& member(const json& object, const std::string& where, const char* key) {
  const std::string path = where.empty() ? key : where + "." + key;
  if (!object.is_object()) bad(where, "must be an object");
  const auto it = object.find(key);
  if (it == object.end()) bad(path, "is missing");
  return *it;
}

template <class T>
T get(const json& object, const std::string& where, const char* key) {
  const json& v = member(object, where, key);
  const std::string path = where.empty() ? key : where + "." + key;
  try {
    if constexpr (std::is_same_v<T, bool>) {
      if (!v.is_boolean()) bad(path, "must be true or false");
    } else if constexpr (std::is_integral_v<T>) {
      if (!v.is_number_integer()) bad(path, "must be an integer");
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!v.is_string()) bad(path, "must be a string");
    }
    return v.get<T>();
  } catch (const json::exception&) {
    bad(path, "is out of range");
  }
}

command_end parse_end(const json& j) {
  command_end e;
  const auto kind = get<std::string>(j, "end", "kind");
  if (kind == "exited") {
    e.k = command_end::kind::exited;
    e.exit_code = get<int>(j, "end", "exit_code");
  } else if (kind == "signaled") {
    e.k = command_end::kind::signaled;
    e.signal = get<int>(j, "end", "signal");
  } else if (kind == "not_started") {
    e.error = get<std::string>(j, "end", "error");
  } else {
    bad("end.kind", "must be exited, signaled or not_started");
  }
  return e;
}

point_report parse_point_report(const json& j) {
  point_report p;
  p.spec = get<std::string>(j, "point", "spec");
  p.action = get<std::string>(j, "point", "action");
  p.reached = get<bool>(j, "point", "reached");
  const json& call = member(j, "point", "call");
  if (!call.is_null()) {
    try {
      p.call = parse_call_line(call.dump());
    } catch (const log_error& e) {
      bad("point.call", e.what());
    }
  }
  if (p.action == "fail") {
    const auto name = get<std::string>(j, "point", "errno");
    const auto error = errno_from_name(name);
    if (!error) bad("point.errno", "must be an errno name");
    p.error = *error;
  } else {
    const json& kill = member(j, "point", "kill");
    p.kill_delivered = get<bool>(kill, "point.kill", "delivered");
    p.all_reaped = get<bool>(kill, "point.kill", "all_reaped");
    p.processes_killed = get<std::uint64_t>(kill, "point.kill", "processes");
  }
  return p;
}

std::map<std::string, std::uint64_t> parse_count_map(const json& j, const std::string& where) {
  if (!j.is_object()) bad(where, "must be an object");
  std::map<std::string, std::uint64_t> out;
  for (const auto& [k, v] : j.items()) {
    if (!v.is_number_unsigned()) bad(where + "." + k, "must be a non-negative integer");
    out[k] = v.get<std::uint64_t>();
  }
  return out;
}

}  // namespace

std::string command_end::describe() const {
  switch (k) {
    case kind::exited: return fmt::format("exit {}", exit_code);
    case kind::signaled: return "signal " + harness::signal_name(signal);
    case kind::not_started: break;
  }
  return "not started: " + error;
}

std::string result_json(const record_result& r) {
  json j = {{"recorder", result_format_name}, {"version", result_format_version}};
  j["command"] = r.command;
  j["root"] = r.root;
  j["end"] = end_json(r.end);
  j["point"] = r.point ? point_json(*r.point) : json(nullptr);
  j["counts"] = counts_json(r.counts);
  j["leftovers_killed"] = r.leftovers_killed;
  json warnings = json::array();
  for (const warning_report& w : r.warnings) {
    warnings.push_back({{"kind", w.kind}, {"pid", w.pid}, {"message", w.message}, {"count", w.count}});
  }
  j["warnings"] = std::move(warnings);
  j["log"] = r.log;
  j["payloads"] = r.payloads;
  // Invalid UTF-8 (a command line, a message quoting a file name) becomes U+FFFD.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

void write_result(const std::filesystem::path& path, const record_result& r) {
  const std::string text = result_json(r);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot create " + path.string());
  std::string_view rest = text;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw std::system_error(err, std::generic_category(), "cannot write " + path.string());
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::close(fd) != 0)
    throw std::system_error(errno, std::generic_category(), "cannot write " + path.string());
}

record_result parse_result(std::string_view text, std::string_view name) {
  try {
    const json j = json::parse(text);
    if (!j.is_object() || !j.contains("recorder") || j["recorder"] != result_format_name) {
      throw result_error("not a crashpoint-record result file");
    }
    if (get<int>(j, "", "version") != result_format_version) {
      throw result_error(fmt::format("result version {} is not supported (this reader knows {})",
                                     j["version"].dump(), result_format_version));
    }
    record_result r;
    r.command = member(j, "", "command").get<std::vector<std::string>>();
    r.root = get<std::string>(j, "", "root");
    r.end = parse_end(member(j, "", "end"));
    if (const json& p = member(j, "", "point"); !p.is_null()) r.point = parse_point_report(p);
    const json& counts = member(j, "", "counts");
    r.counts.calls = get<std::uint64_t>(counts, "counts", "calls");
    r.counts.by_kind = parse_count_map(member(counts, "counts", "by_kind"), "counts.by_kind");
    r.counts.by_call = parse_count_map(member(counts, "counts", "by_call"), "counts.by_call");
    r.counts.processes = get<std::uint64_t>(counts, "counts", "processes");
    r.counts.threads = get<std::uint64_t>(counts, "counts", "threads");
    r.leftovers_killed = get<std::uint64_t>(j, "", "leftovers_killed");
    const json& warnings = member(j, "", "warnings");
    if (!warnings.is_array()) bad("warnings", "must be an array");
    for (const json& w : warnings) {
      r.warnings.push_back({get<std::string>(w, "warnings[]", "kind"), get<pid_t>(w, "warnings[]", "pid"),
                            get<std::string>(w, "warnings[]", "message"),
                            get<std::uint64_t>(w, "warnings[]", "count")});
    }
    r.log = get<std::string>(j, "", "log");
    r.payloads = get<std::string>(j, "", "payloads");
    return r;
  } catch (const json::exception& e) {
    throw result_error(fmt::format("{}: {}", name, e.what()));
  } catch (const result_error& e) {
    throw result_error(fmt::format("{}: {}", name, e.what()));
  }
}

record_result read_result(const std::filesystem::path& path) {
  const std::string name = path.string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) throw result_error(fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
  std::string text;
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (regular && static_cast<std::uintmax_t>(st.st_size) <= max_result_bytes) {
    text.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < text.size()) {
      const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    text.resize(got);
  }
  ::close(fd);
  if (!regular) throw result_error(fmt::format("{}: not a regular file", name));
  if (static_cast<std::uintmax_t>(st.st_size) > max_result_bytes) {
    throw result_error(fmt::format("{}: larger than {} bytes: not a result file", name, max_result_bytes));
  }
  return parse_result(text, name);
}

}  // namespace crashpoint::recorder
