// SPDX-License-Identifier: Apache-2.0
// shard.hpp: splits a plan of runs over N machines, `--shard K/N`.
//
// Each run goes to the shard given by a hash of its id, never by its position,
// so every machine computes the same split from the same files, and adding or
// removing a scenario moves only that scenario's runs:
//
//   shard of "deposit@deposit_after_intent" = fnv1a_64(id) mod N   (0-based)
//
// `crashpoint run --shard 2/3` runs the runs whose 0-based shard is 1. Without
// --shard, Bazel's test sharding protocol applies: TEST_TOTAL_SHARDS and
// TEST_SHARD_INDEX (0-based) select the shard, and the file named by
// TEST_SHARD_STATUS_FILE is touched to tell Bazel the test supports sharding.
// A shard may hold no run at all; that is not an error.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plan/run_plan.hpp"

namespace crashpoint::harness {

struct shard_spec {
  std::size_t index = 0;  // from 0
  std::size_t total = 1;

  // "K/N", 1-based, as --shard takes it.
  std::string text() const;
};

// Parses --shard's "K/N" (1 <= K <= N). Empty with `error` set otherwise.
std::optional<shard_spec> parse_shard(std::string_view text, std::string& error);

// Reads one environment variable: nullptr when unset. std::getenv, or a fake.
using env_lookup = std::function<const char*(const char*)>;

// The shard a session runs: from --shard text when given, else from Bazel's
// variables. `status_file` is set when Bazel's protocol applied and asked for
// the touch; `error` is set (and the rest meaningless) when either was invalid.
struct shard_choice {
  std::optional<shard_spec> shard;  // empty: every run
  std::string status_file;
  std::string error;
};

shard_choice choose_shard(const std::optional<std::string>& option_text, const env_lookup& getenv);

// FNV-1a, 64 bits: offset basis 0xcbf29ce484222325, prime 0x100000001b3.
std::uint64_t fnv1a_64(std::string_view text);

// The 0-based shard of the run `id` among `total`.
std::size_t shard_of(std::string_view id, std::size_t total);

// The runs of `shard`, in plan order, numbered again from 0.
std::vector<run_spec> keep_shard(std::vector<run_spec> runs, const shard_spec& shard);

// Creates `file` if missing and updates its modification time. False with
// `error` set when that fails.
bool touch_file(const std::string& file, std::string& error);

}  // namespace crashpoint::harness
