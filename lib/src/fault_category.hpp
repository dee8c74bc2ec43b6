// SPDX-License-Identifier: Apache-2.0
// fault_category.hpp: builds the error_code that a fired fail point returns.
#pragma once

#include <string_view>
#include <system_error>

namespace crashpoint::detail {

// An error of injected_fault_category() whose message() names `name`. The
// error's value indexes an append-only table of names: an error_code carries
// only an int, and its message must still say which checkpoint failed.
std::error_code make_injected_error(std::string_view name);

}  // namespace crashpoint::detail
