// SPDX-License-Identifier: Apache-2.0
// harness_main.cpp: the public entry point (crashpoint/harness.hpp) that a
// program with its own C++ assertions calls from main: the whole CLI.
#include "cli/cli.hpp"
#include "crashpoint/harness.hpp"

int crashpoint::harness_main(int argc, char** argv) { return harness::run_cli(argc, argv); }
