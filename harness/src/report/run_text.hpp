// SPDX-License-Identifier: Apache-2.0
// run_text.hpp: one run as the console shows it, and as run_report::text()
// gives it to library users:
//
//   FAIL  save  store_after_rename  (73 ms)
//         recovery_failed: recovery exited 3
//         ...
//         reproduce:
//           cd /tmp/... && ...
#pragma once

#include <string>

#include "crashpoint/harness.hpp"

namespace crashpoint::harness {

std::string format_run(const run_report& r, bool colour);

}  // namespace crashpoint::harness
