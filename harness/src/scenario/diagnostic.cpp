// SPDX-License-Identifier: Apache-2.0
#include "scenario/diagnostic.hpp"

#include <system_error>

namespace crashpoint::harness {

namespace {

fs::path as_typed(const fs::path& file) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (ec || !file.is_absolute()) return file;
  fs::path relative = file.lexically_relative(cwd);
  if (relative.empty() || relative == "." || *relative.begin() == "..") return file;
  return relative;
}

}  // namespace

std::string format_diagnostic(const diagnostic& d) {
  std::string out = as_typed(d.where.file).string();
  if (d.where.line > 0) {
    out += ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column);
  }
  return (out.empty() ? "" : out + ": ") + "error: " + d.message;
}

}  // namespace crashpoint::harness
