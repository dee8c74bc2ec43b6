// SPDX-License-Identifier: Apache-2.0
// shard.cpp: --shard K/N, Bazel's sharding variables, and the hash split.
#include "plan/shard.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "util/text.hpp"

namespace crashpoint::harness {
namespace {

// A whole decimal number: digits only (no sign, no spaces), no overflow.
std::optional<std::size_t> parse_count(std::string_view text) {
  std::size_t value = 0;
  const char* end = text.data() + text.size();
  if (text.empty()) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || text.front() == '+') return std::nullopt;
  return value;
}

// A variable's value; unset and empty are the same.
std::optional<std::string> variable(const env_lookup& getenv, const char* name) {
  const char* value = getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

shard_choice shard_from_bazel(const env_lookup& getenv) {
  shard_choice out;
  const auto total_text = variable(getenv, "TEST_TOTAL_SHARDS");
  const auto index_text = variable(getenv, "TEST_SHARD_INDEX");
  if (!total_text && !index_text) return out;
  if (!total_text || !index_text) {
    out.error = std::string(total_text ? "TEST_TOTAL_SHARDS" : "TEST_SHARD_INDEX") + " is set but " +
                (total_text ? "TEST_SHARD_INDEX" : "TEST_TOTAL_SHARDS") +
                " is not: Bazel's test sharding sets both";
    return out;
  }
  const auto total = parse_count(*total_text);
  const auto index = parse_count(*index_text);
  if (!total || *total == 0) {
    out.error =
        "TEST_TOTAL_SHARDS=" + in_double_quotes(*total_text) + ": expected a whole number of at least 1";
  } else if (!index || *index >= *total) {
    out.error = "TEST_SHARD_INDEX=" + in_double_quotes(*index_text) + ": expected a whole number from 0 to " +
                std::to_string(*total - 1) + " (the index counts from 0; TEST_TOTAL_SHARDS is " +
                *total_text + ")";
  } else {
    out.shard = shard_spec{*index, *total};
    out.status_file = variable(getenv, "TEST_SHARD_STATUS_FILE").value_or("");
  }
  return out;
}

}  // namespace

std::string shard_spec::text() const { return std::to_string(index + 1) + "/" + std::to_string(total); }

std::optional<shard_spec> parse_shard(std::string_view text, std::string& error) {
  const auto slash = text.find('/');
  const auto k_text = parse_count(text.substr(0, slash));
  const auto n_text = slash == std::string_view::npos ? std::nullopt : parse_count(text.substr(slash + 1));
  if (!k_text || !n_text) {
    error =
        "--shard: expected K/N, shard K of N counting from 1 (such as 2/4), got " + in_double_quotes(text);
    return std::nullopt;
  }
  // Plain values from here: g++ 12 -O2 misreads optional dereferences as
  // maybe-uninitialized.
  const std::size_t k = k_text.value_or(0), n = n_text.value_or(0);
  const std::string shown = "--shard " + std::string(text);
  if (n == 0) {
    error = shown + ": N, the number of shards, must be at least 1";
  } else if (k == 0) {
    error = shown + ": shards count from 1, so K is 1 to " + std::to_string(n);
  } else if (k > n) {
    error = shown + ": K must be at most N (" + std::to_string(n) + ")";
  } else {
    return shard_spec{k - 1, n};
  }
  return std::nullopt;
}

shard_choice choose_shard(const std::optional<std::string>& option_text, const env_lookup& getenv) {
  if (!option_text) return shard_from_bazel(getenv);
  shard_choice out;
  out.shard = parse_shard(*option_text, out.error);
  return out;
}

std::uint64_t fnv1a_64(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::size_t shard_of(std::string_view id, std::size_t total) {
  return static_cast<std::size_t>(fnv1a_64(id) % total);
}

std::vector<run_spec> keep_shard(std::vector<run_spec> runs, const shard_spec& shard) {
  std::vector<run_spec> kept;
  for (run_spec& run : runs) {
    if (shard_of(run.id(), shard.total) != shard.index) continue;
    run.index = kept.size();
    kept.push_back(std::move(run));
  }
  return kept;
}

bool touch_file(const std::string& file, std::string& error) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || ::futimens(fd, nullptr) != 0) {
    error = "cannot touch " + file + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return false;
  }
  ::close(fd);
  return true;
}

}  // namespace crashpoint::harness
