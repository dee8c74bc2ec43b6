// SPDX-License-Identifier: Apache-2.0
// junit_report.hpp: `crashpoint run --junit FILE`, the XML that CI servers read.
//
// One <testsuite> per scenario, one <testcase> per run: Jenkins, GitLab and
// GitHub test reporters then group a scenario's checkpoints under its name.
// The document validates against Jenkins's junit-10.xsd (the xunit plugin's
// schema, tests/data/junit-10.xsd), which is why <testsuites> carries no
// `skipped` or `timestamp` and <testcase> no `file`.
//
//   <?xml version="1.0" encoding="UTF-8"?>
//   <testsuites name="crashpoint" tests="2" failures="1" errors="0" time="0.031">
//     <testsuite name="deposit" tests="2" failures="1" errors="0" skipped="0" time="0.029"
//                timestamp="2026-11-26T04:31:23Z" file="scenarios/deposit.toml">
//       <properties>
//         <property name="interrupted" value="false"/>
//       </properties>
//       <testcase name="deposit_after_intent" classname="deposit" time="0.012"/>
//       <testcase name="deposit_after_balance" classname="deposit" time="0.017">
//         <failure message="assertion failed: 1 of 3 assertions failed after recovery"
//                  type="assertion_failed">(the details, the kept directory, the
//                  commands that reproduce the run)</failure>
//       </testcase>
//     </testsuite>
//   </testsuites>
//
// A harness error (the harness could not do its job) is an <error>, every other
// failure a <failure>. When the session stopped early, each run of the plan that
// never ran is a <testcase> holding <skipped message="not run: ..."/>. With no
// run at all (an empty shard, an early interrupt) a single empty
// <testsuite name="crashpoint"> carries the properties. Text that XML 1.0
// cannot hold is replaced: control characters other than tab, newline and
// carriage return by "\xNN", bytes that are not UTF-8 by U+FFFD.
#pragma once

#include <string>
#include <string_view>

#include "session/session_record.hpp"

namespace crashpoint::harness {

std::string junit_xml(const session_record& session);

// `text` escaped for XML 1.0 content, or for an attribute value in double
// quotes (where tab, newline and carriage return become character references).
std::string xml_escape(std::string_view text, bool attribute);

}  // namespace crashpoint::harness
