// SPDX-License-Identifier: Apache-2.0
// placeholders.hpp: `{target}`, `{workdir}`, ... in scenario strings.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace crashpoint::harness {

using placeholder_values = std::map<std::string, std::string, std::less<>>;

// Replaces every `{name}` whose name is in `values`; other braces stay as
// written, so JSON or shell text in a scenario needs no escaping.
std::string expand(std::string_view text, const placeholder_values& values);
std::vector<std::string> expand(const std::vector<std::string>& argv, const placeholder_values& values);

}  // namespace crashpoint::harness
