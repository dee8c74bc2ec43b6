// SPDX-License-Identifier: Apache-2.0
// cli_options.hpp: what the `run`, `explore` and `list` command lines asked
// for, parsed once by cli.cpp and read by the commands and by the rerun
// command a failure prints.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "session/explore_options.hpp"

namespace crashpoint::harness {

struct cli_options {
  std::vector<std::string> paths;
  std::vector<std::string> filters;
  std::vector<std::string> only;          // exact run ids
  std::optional<std::string> shard_text;  // --shard "K/N"; none: Bazel's variables, or no sharding
  unsigned jobs = 1;
  std::string target;
  std::string timeout_text;
  std::optional<std::chrono::milliseconds> timeout;
  std::string keep_text = "failed";
  std::string junit_path, json_path;   // report files; empty: none
  explore_options explore;             // --max-hits, --include, --exclude, --double
  bool explore_all = false;            // `explore`: every scenario, not only "auto" ones
  bool quiet = false;                  // --quiet: only failures and the summary
  std::string crash_states_text;       // --crash-states: clean, all; empty: each scenario's own
  std::size_t max_states = 1000;       // --max-states
  std::string colour_text = "auto";    // --color: auto, always, never
  std::string program = "crashpoint";  // argv[0], for the commands that rerun a failure
};

}  // namespace crashpoint::harness
