// SPDX-License-Identifier: Apache-2.0
// result_file.hpp: the recorder's summary of a run, written once the command
// has ended, and read back by whoever started it.
//
//   record_result r = read_result("/tmp/run/logs/record.json");   // throws result_error
//   if (r.point && r.point->reached && r.point->kill_delivered && r.point->all_reaped)
//     ...   // a confirmed syscall crash: describe(*r.point->call) says where
//
// The file is the only trustworthy account of what happened: the recorder
// creates it itself, after the command and every process it started have
// ended, at the path its caller gave (which should be outside the directory
// the command can write). A file that does not parse, or is missing, means
// the recorder did not finish: never a confirmed crash. Every field is in
// docs/recorder.md; an example:
//
//   {"recorder": "crashpoint-record", "version": 1,
//    "command": ["./save", "data"], "root": "/tmp/run/work",
//    "end": {"kind": "signaled", "signal": 9, "signal_name": "SIGKILL"},
//    "point": {"spec": "sys:rename@1", "action": "kill-before", "reached": true,
//              "call": {"seq": 4, "call": "rename", "path": "data.tmp", "path2": "data", ...},
//              "kill": {"delivered": true, "all_reaped": true, "processes": 1}},
//    "counts": {"calls": 4, "by_kind": {"open": 1, "write": 1, "close": 1, "rename": 1},
//               "by_call": {...}, "processes": 1, "threads": 1},
//    "leftovers_killed": 0, "warnings": [], "log": "/tmp/run/logs/io.jsonl", "payloads": ""}
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "recorder/io_op.hpp"

namespace crashpoint::recorder {

class result_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How the command's first process ended (what the recorder itself mirrors).
struct command_end {
  enum class kind : std::uint8_t { exited, signaled, not_started };
  kind k = kind::not_started;
  int exit_code = 0;             // exited
  int signal = 0;                // signaled
  std::string error;             // not_started: why
  std::string describe() const;  // "exit 3", "signal SIGKILL", "not started: ..."
};

struct point_report {
  std::string spec;           // "sys:rename@1"
  std::string action;         // "kill-before", "kill-after", "fail"
  bool reached = false;       // the selected call was made
  std::optional<io_op> call;  // that call, when reached
  int error = 0;              // fail: the errno injected
  // kill actions, when reached:
  bool kill_delivered = false;  // the process making the call died of that SIGKILL
  bool all_reaped = false;      // every traced process had ended when the recorder finished
  std::uint64_t processes_killed = 0;
};

struct warning_report {
  std::string kind;  // docs/recorder.md lists them: "io_uring", "shared-mmap", ...
  pid_t pid = 0;     // the first process it happened in
  std::string message;
  std::uint64_t count = 1;  // how many times
};

struct record_counts {
  std::uint64_t calls = 0;                       // modelled calls seen (the last seq)
  std::map<std::string, std::uint64_t> by_kind;  // "write" -> 3
  std::map<std::string, std::uint64_t> by_call;  // "pwrite64" -> 2
  std::uint64_t processes = 0;                   // processes traced, the first included
  std::uint64_t threads = 0;                     // threads traced, every process's first included
};

struct record_result {
  std::vector<std::string> command;
  std::string root;
  command_end end;
  std::optional<point_report> point;
  record_counts counts;
  std::uint64_t leftovers_killed = 0;  // processes still running when the first one ended
  std::vector<warning_report> warnings;
  std::string log, payloads;  // where they were written ("": not asked for)
};

std::string result_json(const record_result& r);
// Creates (or truncates) `path` and writes the JSON; throws std::system_error.
void write_result(const std::filesystem::path& path, const record_result& r);
// Throws result_error ("PATH: message") if the file is missing, not a regular
// file, larger than 64 MiB, or not a result this reader understands.
record_result read_result(const std::filesystem::path& path);
record_result parse_result(std::string_view text, std::string_view name);

}  // namespace crashpoint::recorder
