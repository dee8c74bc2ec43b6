// SPDX-License-Identifier: Apache-2.0
// public_report.hpp: a run's internal record as the public API's report
// (include/crashpoint/harness.hpp): what C++ assertions and library users see.
#pragma once

#include "crashpoint/harness.hpp"
#include "run/run_result.hpp"

namespace crashpoint::harness {

step_report to_public(const step_record& step);
run_report to_public(const run_result& result);

}  // namespace crashpoint::harness
