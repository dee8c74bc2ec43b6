// SPDX-License-Identifier: Apache-2.0
// report_destination.hpp: where `--junit FILE` and `--json FILE` write, decided
// and checked before anything runs.
//
//   -                          stdout
//   the file stdout or stderr  that stream (`/dev/stdout`, `/dev/fd/2`, ...)
//     already is
//   a regular file, or none    replaced atomically: a temporary file in the same
//                              folder, then a rename; through a symbolic link,
//                              the file it names is replaced and the link stays
//   a FIFO, a character device written in place, never replaced (a FIFO needs
//                              a reader when the report is written)
//   a folder, a block device,  refused: exit 2, nothing runs
//     a socket, a dangling link
//   an input of the session    refused: a suite, scenario or golden file, a
//                              fixture, the target, anything under a scenario
//                              folder given on the command line
//
//   std::string error;
//   auto d = report_destination_of("--json", "build/report.json", error);  // before loading
//   ...load the files...
//   error = input_overwritten(*d, inputs_of(paths, suites, targets));     // before running
//   write_report(*d, text, error);                                          // at the end
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scenario/scenario.hpp"

namespace crashpoint::harness {

struct report_destination {
  enum class kind { stdout_stream, stderr_stream, replace, in_place };
  std::string option;  // "--junit" or "--json"
  std::string given;   // as on the command line
  kind k = kind::replace;
  fs::path path;  // replace: the file to replace; in_place: the file to open
  // The existing file the report goes to, by identity; none for a new file.
  std::optional<std::pair<dev_t, ino_t>> id;

  // Whether two destinations are the same file or stream.
  bool same_as(const report_destination& other) const;
};

// Where `given`, the value of `option`, sends a report; nullopt with `error`
// ("--json x: ...") when it cannot take one.
std::optional<report_destination> report_destination_of(const std::string& option, const std::string& given,
                                                        std::string& error);

// What a session reads, which no report may replace: (canonical path, what it is).
struct session_inputs {
  std::vector<std::pair<fs::path, std::string>> files;
  std::vector<std::pair<fs::path, std::string>> folders;  // and everything under them
};

// The paths given on the command line, every file the suites loaded, their
// fixtures and golden files, and the resolved targets.
session_inputs inputs_of(const std::vector<fs::path>& given, const std::vector<loaded_suite>& suites,
                         const std::vector<fs::path>& targets);

// Adds `path` (when it exists) as "the WHAT PATH", or "the WHAT_FOLDER PATH"
// when it is a folder (default: WHAT).
void add_input(session_inputs& inputs, const fs::path& path, const std::string& what,
               const std::string& what_folder = "");

// Why a report written to `d` would replace or write into an input ("--json
// x: ..."), or "" when it would not.
std::string input_overwritten(const report_destination& d, const session_inputs& inputs);

// Writes `text` to `d`; false with `error` set ("cannot write --json x: ...").
bool write_report(const report_destination& d, const std::string& text, std::string& error);

}  // namespace crashpoint::harness
