// SPDX-License-Identifier: Apache-2.0
// seed_fault_inject.cpp: the out-of-line half of the seed's algorithm.
#include "seed_fault_inject.hpp"

#include <unistd.h>

#include <cstdlib>

namespace seed {

std::optional<std::vector<std::string>> parse_env() {
  const char* value = std::getenv(env_var);
  if (value == nullptr) return std::nullopt;
  std::vector<std::string> names;
  const std::string_view text = value;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find(',', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view entry = text.substr(begin, end - begin);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (!entry.empty()) names.emplace_back(entry);
    begin = end + 1;
  }
  return names;
}

void panic_at(std::string_view name) {
  const std::string line =
      std::string(env_var) + ": crashing at checkpoint `" + std::string(name) + "` (intentional)\n";
  (void)!::write(STDERR_FILENO, line.data(), line.size());
  std::abort();
}

void maybe_panic_at(std::string_view name) {
  static const std::optional<std::vector<std::string>> armed = parse_env();
  if (!armed) return;
  for (const std::string& entry : *armed) {
    if (entry == name) panic_at(name);
  }
}

}  // namespace seed
