// SPDX-License-Identifier: Apache-2.0
// minikv/error.hpp: minikv's own error codes, as a std::error_code category.
//
// Every fallible call in minikv returns a std::error_code: an errno value from
// the system (std::system_category), an injected fault from a crashpoint fail
// point (crashpoint::injected_fault_category), or one of these:
//
//     if (std::error_code ec = db.del("missing"); ec == minikv::errc::key_not_found) ...
#ifndef MINIKV_ERROR_HPP
#define MINIKV_ERROR_HPP

#include <system_error>
#include <type_traits>

namespace minikv {

enum class errc {
  key_not_found = 1,  // get or del of a key the store does not hold
  invalid_key,        // a key must be 1..max_key_size bytes, without '=' or newline
  value_too_large,    // a value must be at most max_value_size bytes
  snapshot_corrupt,   // the snapshot does not parse; minikv refuses to guess
};

[[nodiscard]] const std::error_category& error_category() noexcept;
[[nodiscard]] std::error_code make_error_code(errc e) noexcept;

}  // namespace minikv

template <>
struct std::is_error_code_enum<minikv::errc> : std::true_type {};

#endif  // MINIKV_ERROR_HPP
