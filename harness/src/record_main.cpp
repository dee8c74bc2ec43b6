// SPDX-License-Identifier: Apache-2.0
// crashpoint-record: runs a command under the I/O recorder (docs/recorder.md).
//
//   crashpoint-record [--root DIR] [--log FILE] [--result FILE] [--payloads FILE] [--undo DIR]
//                     [--point sys:CALL@HIT[+][=error(ERRNO)]] -- COMMAND [ARGS...]
//
//   crashpoint-record --rebuild ...   (power_loss/rebuild_command.hpp)
//
// Exits as COMMAND did (its exit code, or killed by the same signal), or 2
// for a usage error, 125 when the recorder itself failed, 126 or 127 when
// COMMAND could not be executed or was not found.
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "power_loss/rebuild_command.hpp"
#include "recorder/recorder.hpp"

namespace rec = crashpoint::recorder;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view prefix = "crashpoint-record: ";

int usage_error(const std::string& message) {
  fmt::print(stderr, "{}{}\nRun 'crashpoint-record --help' for usage.\n", prefix, message);
  return rec::record_exit_usage;
}

// An output file must be creatable: its directory exists and is writable.
std::string check_output(const char* flag, const fs::path& path) {
  if (path.empty()) return {};
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return fmt::format("{} {}: no such directory {}", flag, path.string(), dir.string());
  if (::access(dir.c_str(), W_OK) != 0)
    return fmt::format("{} {}: cannot write in {}", flag, path.string(), dir.string());
  return {};
}

// The undo directory is made fresh: missing, or empty, in a writable directory.
std::string check_undo_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return fmt::format("--undo {}: not a directory", dir.string());
    if (!fs::is_empty(dir, ec))
      return fmt::format("--undo {}: not empty (give a new or empty directory)", dir.string());
    if (::access(dir.c_str(), W_OK) != 0) return fmt::format("--undo {}: cannot write in it", dir.string());
    return {};
  }
  return check_output("--undo", dir);
}

// Ends this process the way the command ended, after everything is written.
[[noreturn]] void mirror(const rec::command_end& end) {
  std::fflush(nullptr);
  if (end.k == rec::command_end::kind::signaled) {
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);  // the command's core dump is its own, not ours
    std::signal(end.signal, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, end.signal);
    ::sigprocmask(SIG_UNBLOCK, &one, nullptr);
    ::raise(end.signal);
    std::_Exit(128 + end.signal);  // a signal whose default is not to terminate
  }
  if (end.k == rec::command_end::kind::not_started) {
    fmt::print(stderr, "{}{}\n", prefix, end.error);
    std::_Exit(end.error.find("No such file") != std::string::npos ? rec::record_exit_not_found
                                                                   : rec::record_exit_cannot_execute);
  }
  std::exit(end.exit_code);  // not _Exit: sanitizers' checks run at exit
}

}  // namespace

// An exception from the command line's parsing (CLI11, std::bad_alloc) ends the
// recorder with std::terminate's message, as it should: nothing ran yet.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  // Not a recording: applying a power-loss crash state to a recorded workdir.
  if (crashpoint::power_loss::wants_rebuild(argc, argv))
    return crashpoint::power_loss::rebuild_command(argc, argv);
  CLI::App app{"Runs COMMAND and records the file-system calls it and its descendants make under --root."};
  app.name("crashpoint-record");
  std::string root = ".", log, result, payloads, undo, point_text;
  app.add_option("--root", root, "Model only files under DIR (default: the current directory)")
      ->option_text("DIR");
  app.add_option("--log", log, "Write the I/O log (JSON Lines) to FILE")->option_text("FILE");
  app.add_option("--result", result,
                 "Write the JSON summary to FILE once everything has ended (keep it outside --root)")
      ->option_text("FILE");
  app.add_option("--payloads", payloads, "Also keep the bytes of every modelled write in FILE")
      ->option_text("FILE");
  app.add_option("--undo", undo,
                 "Keep, in DIR (missing or empty, outside --root), each file's bytes before the command "
                 "first changes "
                 "it, and what each name it changes was: what rebuilding a power-loss state needs")
      ->option_text("DIR");
  app.add_option(
         "--point", point_text,
         "Crash or fail at one modelled call: sys:CALL@HIT (SIGKILL before it), sys:CALL@HIT+ (after it), "
         "sys:CALL@HIT=error(EIO) (fail it); CALL may be *")
      ->option_text("SPEC");
  app.prefix_command();
  app.footer(
      "Exit status: COMMAND's own (its exit code, or the same signal), or 2 for a usage error, 125 when the\n"
      "recorder failed, 126 when COMMAND could not be executed, 127 when it was not found. Only the "
      "--result\n"
      "file tells these apart from COMMAND's own codes. See docs/recorder.md.\n"
      "crashpoint-record --rebuild --help: rebuilding a power-loss crash state from a recording "
      "(docs/power-loss.md).");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return 0;
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }

  rec::record_options o;
  o.command = app.remaining();
  if (!o.command.empty() && o.command.front() == "--") o.command.erase(o.command.begin());
  if (o.command.empty())
    return usage_error("no command given: crashpoint-record [OPTIONS] -- COMMAND [ARGS...]");
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return usage_error(fmt::format("--root {}: no such directory", root));
  o.root = root;
  o.log = log;
  o.result = result;
  o.payloads = payloads;
  for (const auto& [flag, path] :
       {std::pair{"--log", o.log}, {"--result", o.result}, {"--payloads", o.payloads}}) {
    if (std::string problem = check_output(flag, path); !problem.empty()) return usage_error(problem);
  }
  if (!undo.empty()) {
    if (std::string problem = check_undo_dir(undo); !problem.empty()) return usage_error(problem);
    o.undo = undo;
  }
  if (!point_text.empty()) {
    const rec::parsed_point p = rec::parse_point(point_text);
    if (!p)
      return usage_error(
          fmt::format("--point {}: column {}: {}", point_text, p.error.column, p.error.message));
    o.at = p.value;
  }

  std::signal(SIGPIPE, SIG_IGN);  // a closed stderr must not kill the recorder mid-run
  try {
    const rec::record_result r = rec::record(o, [](const rec::warning& w) {
      fmt::print(stderr, "{}warning: [{}] pid {}: {}\n", prefix, w.kind, w.pid, w.message);
    });
    mirror(r.end);
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}error: {}\n", prefix, e.what());
    return rec::record_exit_failed;
  }
}
