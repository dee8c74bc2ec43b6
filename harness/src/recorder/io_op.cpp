// SPDX-License-Identifier: Apache-2.0
// io_op.cpp: calls as users read them (see io_op.hpp).
#include "recorder/io_op.hpp"

#include <fmt/format.h>

#include "recorder/errno_names.hpp"
#include "recorder/flag_names.hpp"

namespace crashpoint::recorder {

std::string c_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte >= 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out + '"';
}

namespace {

// The file a call acts on: its path when known, else the descriptor.
std::string file_of(const io_op& op) {
  if (!op.path.empty()) return c_quoted(op.path);
  if (op.fd >= 0) return std::to_string(op.fd);
  return "?";
}

std::string byte_range(const io_op& op) {
  std::string out = op.length ? fmt::format("{} bytes", *op.length) : "? bytes";
  if (op.offset) out += fmt::format(" at {}", *op.offset);
  return out;
}

std::string with_flags(std::string head, const io_op& op) {
  if (op.flags != 0) head += ", " + flags_text(flags_of(op.call), op.flags);
  return head;
}

}  // namespace

std::string describe(const io_op& op) {
  const std::string_view call = name(op.call);
  switch (op.kind) {
    case call_kind::open: {
      std::string args = file_of(op) + ", " + flags_text(flag_set::open, op.flags);
      if (op.mode) args += ", " + mode_text(*op.mode);
      return fmt::format("{}({})", call, args);
    }
    case call_kind::write:
    case call_kind::fallocate:
    case call_kind::sync_file_range:
    case call_kind::msync:
      return fmt::format("{}({})", call, with_flags(file_of(op) + ", " + byte_range(op), op));
    case call_kind::truncate:
      return fmt::format("{}({}, {})", call, file_of(op), op.length ? std::to_string(*op.length) : "?");
    case call_kind::rename:
    case call_kind::link:
    case call_kind::symlink:
      return fmt::format("{}({})", call, with_flags(c_quoted(op.path) + ", " + c_quoted(op.path2), op));
    case call_kind::mkdir:
      return fmt::format("{}({}{})", call, file_of(op), op.mode ? ", " + mode_text(*op.mode) : "");
    case call_kind::unlink:
    case call_kind::rmdir: return fmt::format("{}({})", call, with_flags(file_of(op), op));
    case call_kind::copy_file_range:
    case call_kind::sendfile:
    case call_kind::splice: {
      std::string args = file_of(op) + ", " + byte_range(op);
      if (!op.path2.empty()) args += " from " + c_quoted(op.path2);
      return fmt::format("{}({})", call, with_flags(std::move(args), op));
    }
    case call_kind::sync: return "sync()";
    case call_kind::fsync:
    case call_kind::fdatasync:
    case call_kind::syncfs:
    case call_kind::close: return fmt::format("{}({})", call, file_of(op));
  }
  return std::string(call);
}

std::string result_text(const io_op& op) {
  switch (op.how) {
    case outcome::unfinished: return "unfinished";
    case outcome::not_executed: return "not executed";
    case outcome::done:
    case outcome::injected: break;
  }
  if (!op.result) return "?";
  std::string out;
  if (*op.result >= 0) {
    out = fmt::format("= {}", *op.result);
  } else {
    const std::string_view err = errno_name(static_cast<int>(-*op.result));
    out = err.empty() ? fmt::format("= -1 errno {}", -*op.result) : fmt::format("= -1 {}", err);
  }
  if (op.how == outcome::injected) out += " (injected)";
  return out;
}

std::string_view name(process_event::type what) {
  switch (what) {
    case process_event::type::fork: return "fork";
    case process_event::type::vfork: return "vfork";
    case process_event::type::clone: return "clone";
    case process_event::type::thread: return "thread";
    case process_event::type::exec: return "exec";
    case process_event::type::exit: return "exit";
  }
  return "?";
}

}  // namespace crashpoint::recorder
