// SPDX-License-Identifier: Apache-2.0
// errno_names.hpp: errno values and their names, both ways.
//
//   errno_name(EIO) == "EIO";  errno_name(512) == "ERESTARTSYS";  errno_name(9999) == ""
//   errno_from_name("ENOSPC") == ENOSPC;  errno_from_name("EIOO") == std::nullopt
//
// Names come from the C library (strerrorname_np), so every errno Linux
// defines is known. The kernel's internal restart codes (ERESTARTSYS and its
// family, 512-516) can appear as the result of an interrupted call: they have
// names here but cannot be injected.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crashpoint::recorder {

std::string_view errno_name(int error);                     // "" when unknown
std::optional<int> errno_from_name(std::string_view text);  // injectable errnos only
std::vector<std::string_view> injectable_errno_names();

}  // namespace crashpoint::recorder
