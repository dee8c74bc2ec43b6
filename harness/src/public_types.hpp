// SPDX-License-Identifier: Apache-2.0
// public_types.hpp: the internal run records as the public API's reports.
#pragma once

#include "crashpoint/harness.hpp"
#include "runner.hpp"

namespace crashpoint::harness {

step_report to_public(const step_record& step);
run_report to_public(const run_result& result);

// The report of one run as `crashpoint run` prints it (run_report::text).
std::string format_run(const run_report& r, bool colour);

}  // namespace crashpoint::harness
