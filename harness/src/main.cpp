// SPDX-License-Identifier: Apache-2.0
// The crashpoint executable: the harness library's main, nothing registered.
#include "crashpoint/harness.hpp"

int main(int argc, char** argv) { return crashpoint::harness_main(argc, argv); }
