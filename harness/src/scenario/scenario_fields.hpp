// SPDX-License-Identifier: Apache-2.0
// scenario_fields.hpp: readers for the value kinds of scenario files that need
// more than a type check: durations, end conditions, regexes, workdir paths,
// JSON Pointers and JSON values. Private to the loader.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "scenario/scenario.hpp"
#include "scenario/toml_reader.hpp"

namespace crashpoint::harness::loader {

inline constexpr std::chrono::milliseconds min_timeout{1};
inline constexpr std::chrono::milliseconds max_timeout{24 * 3'600'000};

// A duration string between min_timeout and max_timeout.
std::optional<std::chrono::milliseconds> read_timeout(const table_reader& r, std::string_view key);

// A signal name ("SIGABRT"), an exit code 1..255, or "any".
std::optional<end_condition> read_end_condition(const table_reader& r, std::string_view key);

// A regular expression that RE2 compiles (user_pattern.hpp), as the runner
// will compile it: searched for anywhere in the text. A placeholder in it is
// an error: it would not be expanded.
std::optional<std::string> read_regex(const table_reader& r, std::string_view key);

// A path relative to the workdir that cannot leave it.
std::optional<std::string> read_workdir_path(const table_reader& r, std::string_view key);

// A path, relative to `base` (the scenario's folder), naming an existing file
// (want_folder false) or folder (want_folder true). Returned as written.
std::optional<std::string> read_existing_path(const table_reader& r, std::string_view key,
                                              const fs::path& base, bool want_folder);

// Why the existing folder `folder` cannot be a fixture, or nullopt. A fixture
// is copied into each run's workdir, so it must not hold the folder that
// workdirs are made in ($TMPDIR, else /tmp, as temp_root makes them): the copy
// would copy itself until paths grow too long (`fixture = "/"` would try to
// copy the whole system first).
std::optional<std::string> fixture_folder_problem(const fs::path& folder);

// An RFC 6901 JSON Pointer: "" or "/a/0", '~' only as "~0" or "~1".
std::optional<std::string> read_json_pointer(const table_reader& r, std::string_view key);

// Any TOML value as JSON text: tables become objects, dates strings.
std::optional<std::string> read_json_value(const table_reader& r, std::string_view key);

}  // namespace crashpoint::harness::loader
