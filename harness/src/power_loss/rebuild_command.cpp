// SPDX-License-Identifier: Apache-2.0
// rebuild_command.cpp: crashpoint-record --rebuild (see rebuild_command.hpp).
#include "power_loss/rebuild_command.hpp"

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "power_loss/crash_state.hpp"
#include "power_loss/rebuild.hpp"

namespace crashpoint::power_loss {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view prefix = "crashpoint-record: ";

int usage(const std::string& message) {
  fmt::print(stderr, "{}{}\nRun 'crashpoint-record --rebuild --help' for usage.\n", prefix, message);
  return rebuild_exit_usage;
}

int unusable(const std::string& message) {
  fmt::print(stderr, "{}error: {}\n", prefix, message);
  return rebuild_exit_unusable;
}

// A copy of the tree as crashed, made before the rebuild changes it.
std::string keep_crashed(const fs::path& root, const fs::path& to) {
  std::error_code ec;
  if (fs::exists(to, ec)) return fmt::format("--keep-crashed {}: already exists", to.string());
  const fs::path canon_root = fs::weakly_canonical(root, ec);
  const fs::path canon_to = fs::weakly_canonical(to, ec);
  const auto rel = canon_to.lexically_relative(canon_root);
  if (!rel.empty() && *rel.begin() != "..")
    return fmt::format("--keep-crashed {}: inside --root", to.string());
  fs::copy(root, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) return fmt::format("--keep-crashed {}: {}", to.string(), ec.message());
  return {};
}

}  // namespace

bool wants_rebuild(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") return false;
    if (a == "--rebuild") return true;
  }
  return false;
}

int rebuild_command(int argc, char** argv) {
  CLI::App app{
      "Rewrites a recorded workdir, in place, into a crash state a power loss could leave "
      "(docs/power-loss.md)."};
  app.name("crashpoint-record --rebuild");
  bool rebuild_flag = false, list = false;
  std::string root, log, payloads, undo, state_text, corrupt_text = "none", keep;
  std::uint64_t seed = 0;
  std::size_t max_states = state_limits{}.max_states;
  app.add_flag("--rebuild", rebuild_flag, "Rebuild a crash state instead of recording a command");
  app.add_option("--root", root, "The workdir, as the recorded command's crash left it")->option_text("DIR");
  app.add_option("--log", log, "The log crashpoint-record --log wrote")->option_text("FILE")->required();
  app.add_option("--payloads", payloads, "The payloads crashpoint-record --payloads wrote")
      ->option_text("FILE");
  app.add_option("--undo", undo, "The undo directory crashpoint-record --undo wrote")
      ->option_text("DIR")
      ->required();
  app.add_option("--state", state_text, "crashed, clean, prefix:K or torn:K")->option_text("STATE");
  app.add_flag("--list-states", list, "Print the states this crash has, one per line, and change nothing");
  app.add_option("--max-states", max_states, "At most N states in --list-states")->option_text("N");
  app.add_option("--corrupt", corrupt_text,
                 "Also damage the last write the state keeps: torn, zero or garbage")
      ->option_text("HOW");
  app.add_option("--seed", seed, "The seed of --corrupt garbage (the same seed, the same bytes)")
      ->option_text("N");
  app.add_option("--keep-crashed", keep,
                 "First copy the tree as crashed to DIR (a new directory outside --root)")
      ->option_text("DIR");
  app.footer(
      "Exit status: 0 done; 2 usage error; 3 the log, payloads, undo directory or state cannot be used, or "
      "the\n"
      "workdir does not match the log (nothing was changed); 125 the rebuild failed part-way.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return rebuild_exit_ok;
  } catch (const CLI::ParseError& e) {
    return usage(e.what());
  }
  try {
    const history h = load_history(log, undo);
    if (list) {
      const crash_state_plan plan = plan_states(h, {max_states, state_limits{}.max_torn_states});
      for (const crash_state& s : plan.states) fmt::print("{}\n", s.id());
      if (plan.capped) {
        fmt::print(stderr, "{}--max-states {}: {} of {} states listed\n", prefix, max_states,
                   plan.states.size(), plan.total);
      }
      return rebuild_exit_ok;
    }
    if (state_text.empty()) return usage("give --state STATE (or --list-states)");
    if (root.empty()) return usage("give --root DIR: the workdir to rebuild");
    const auto state = parse_state(state_text);
    if (!state)
      return usage(
          fmt::format("--state {}: expected crashed, clean, prefix:K or torn:K (K >= 1)", state_text));
    const auto corrupt = parse_corruption(corrupt_text);
    if (!corrupt) return usage(fmt::format("--corrupt {}: expected torn, zero or garbage", corrupt_text));
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return usage(fmt::format("--root {}: no such directory", root));
    if (!keep.empty()) {
      if (std::string problem = keep_crashed(root, keep); !problem.empty()) return usage(problem);
    }
    const rebuild_result r = rebuild(root, h, payloads, undo, rebuild_options{*state, *corrupt, seed});
    fmt::print("state: {}\n", r.state);
    for (const lost_op& l : r.lost) fmt::print("lost: {}\n", l.line());
    if (!r.corrupted.empty()) fmt::print("corrupted: {}\n", r.corrupted);
    fmt::print(
        "rebuilt: {} file(s) from pre-images, {} reverted in place ({} bytes read from pre-images, {} "
        "written), {} name(s) changed\n",
        r.files_rebuilt, r.files_reverted, r.bytes_copied, r.bytes_replayed, r.names_changed);
    return rebuild_exit_ok;
  } catch (const rebuild_failure& e) {
    fmt::print(stderr, "{}error: {}\n", prefix, e.what());
    return rebuild_exit_failed;
  } catch (const history_error& e) {
    return unusable(e.what());
  } catch (const rebuild_error& e) {
    return unusable(e.what());
  }
}

}  // namespace crashpoint::power_loss
