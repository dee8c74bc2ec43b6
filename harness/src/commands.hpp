// commands.hpp: the `run`, `list` and `validate` subcommands.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace crashpoint::harness {

struct cli_options {
  std::vector<std::string> paths;
  std::vector<std::string> filters;
  unsigned jobs = 1;
  std::string target;
  std::string timeout_text;
  std::optional<std::chrono::milliseconds> timeout;
  std::string keep_text = "failed";
};

int command_run(const cli_options& o);
int command_list(const cli_options& o);
int command_validate(const cli_options& o);

}  // namespace crashpoint::harness
