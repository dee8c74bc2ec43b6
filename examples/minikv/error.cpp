// SPDX-License-Identifier: Apache-2.0
// minikv/error.cpp: the messages of minikv's error category.
#include "minikv/error.hpp"

#include <string>

namespace minikv {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "minikv"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::key_not_found: return "key not found";
      case errc::invalid_key: return "invalid key: keys are 1 to 1024 bytes, without '=' or newline";
      case errc::value_too_large: return "value too large: values are at most 1 MiB";
      case errc::snapshot_corrupt: return "the snapshot is corrupt (run `minikv fsck` for details)";
    }
    return "unknown minikv error";
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

}  // namespace minikv
