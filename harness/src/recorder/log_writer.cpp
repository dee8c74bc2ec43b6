// SPDX-License-Identifier: Apache-2.0
// log_writer.cpp: formatting log lines (see log_writer.hpp).
#include "recorder/log_writer.hpp"

#include <iterator>

#include <fmt/format.h>

#include "recorder/errno_names.hpp"
#include "recorder/flag_names.hpp"
#include "recorder/json_text.hpp"
#include "util/signal_names.hpp"

namespace crashpoint::recorder {

namespace {

// Builds one flat JSON object: {"key":value,...}.
class json_line {
 public:
  json_line() { out_.push_back('{'); }

  json_line& number(std::string_view key, std::int64_t value) {
    this->key(key);
    fmt::format_to(std::back_inserter(out_), "{}", value);
    return *this;
  }
  json_line& unsigned_number(std::string_view key, std::uint64_t value) {
    this->key(key);
    fmt::format_to(std::back_inserter(out_), "{}", value);
    return *this;
  }
  json_line& null(std::string_view key) {
    this->key(key);
    out_.append(std::string_view{"null"});
    return *this;
  }
  // Text that is always UTF-8 (names we chose, flag names, numbers).
  json_line& text(std::string_view key, std::string_view value) {
    this->key(key);
    append_json_string(out_, value);
    return *this;
  }
  // Bytes from the traced program (paths, messages): as a string when they are
  // UTF-8, else as `key_hex`, their hexadecimal.
  json_line& bytes(std::string_view key, std::string_view value) {
    const std::size_t mark = out_.size();
    this->key(key);
    if (append_json_string(out_, value)) return *this;
    out_.resize(mark);
    this->key(fmt::format("{}_hex", key));
    append_json_string(out_, hex_encode(value));
    return *this;
  }
  std::string finish() {
    out_.push_back('}');
    return fmt::to_string(out_);
  }

 private:
  void key(std::string_view k) {
    if (out_.size() > 1) out_.push_back(',');
    append_json_string(out_, k);
    out_.push_back(':');
  }
  fmt::memory_buffer out_;
};

std::string_view outcome_name(outcome how) {
  switch (how) {
    case outcome::done: return "done";
    case outcome::unfinished: return "unfinished";
    case outcome::not_executed: return "not-executed";
    case outcome::injected: return "injected";
  }
  return "done";
}

}  // namespace

std::string format_header(std::string_view root) {
  return json_line{}
      .text("log", log_format_name)
      .number("version", log_format_version)
      .bytes("root", root)
      .finish();
}

std::string format_call(const io_op& op) {
  json_line j;
  j.unsigned_number("seq", op.seq);
  if (op.end_seq != op.seq && op.end_seq != 0) j.unsigned_number("end_seq", op.end_seq);
  j.number("pid", op.pid).number("tid", op.tid).text("call", name(op.call)).text("kind", name(op.kind));
  if (op.fd >= 0) j.number("fd", op.fd);
  if (!op.path.empty()) j.bytes("path", op.path);
  if (!op.path2.empty()) j.bytes("path2", op.path2);
  const flag_set set = flags_of(op.call);
  if (set == flag_set::open || (set != flag_set::none && op.flags != 0))
    j.text("flags", flags_text(set, op.flags));
  if (op.fd_flags) j.text("fd_flags", flags_text(flag_set::open, *op.fd_flags));
  if (op.mode) j.text("mode", mode_text(*op.mode));
  if (op.offset) j.unsigned_number("offset", *op.offset);
  if (op.length) j.unsigned_number("length", *op.length);
  if (op.result) {
    j.number("result", *op.result);
    if (*op.result < 0) {
      const std::string_view err = errno_name(static_cast<int>(-*op.result));
      if (!err.empty()) j.text("error", err);
    }
  } else {
    j.null("result");
  }
  if (op.how != outcome::done) j.text("outcome", outcome_name(op.how));
  if (op.dev) j.unsigned_number("dev", *op.dev);
  if (op.ino) j.unsigned_number("ino", *op.ino);
  if (op.payload) j.unsigned_number("payload", *op.payload);
  if (op.payload_length) j.unsigned_number("payload_length", *op.payload_length);
  return j.finish();
}

std::string format_event(const process_event& ev) {
  json_line j;
  j.text("event", name(ev.what)).number("pid", ev.pid);
  switch (ev.what) {
    case process_event::type::fork:
    case process_event::type::vfork:
    case process_event::type::clone:
    case process_event::type::thread: j.number("child", ev.child); break;
    case process_event::type::exec: j.bytes("path", ev.path); break;
    case process_event::type::exit:
      if (ev.exit_code) j.number("exit_code", *ev.exit_code);
      if (ev.exit_signal) {
        j.number("signal", *ev.exit_signal);
        if (const auto name = harness::known_signal_name(*ev.exit_signal)) j.text("signal_name", *name);
      }
      break;
  }
  return j.finish();
}

std::string format_warning(const warning& w) {
  return json_line{}
      .text("event", "warning")
      .number("pid", w.pid)
      .text("kind", w.kind)
      .bytes("message", w.message)
      .finish();
}

std::string format_point(const point_event& p) {
  return json_line{}
      .text("event", "point")
      .text("spec", p.spec)
      .unsigned_number("seq", p.seq)
      .text("action", p.action)
      .finish();
}

std::string format_end(std::uint64_t calls) {
  return json_line{}.text("event", "end").unsigned_number("calls", calls).finish();
}

log_writer::log_writer(buffered_file file, std::string_view root) : file_(std::move(file)) {
  line(format_header(root));
}

void log_writer::call(const io_op& op) { line(format_call(op)); }
void log_writer::event(const process_event& ev) { line(format_event(ev)); }
void log_writer::warn(const warning& w) { line(format_warning(w)); }
void log_writer::point(const point_event& p) { line(format_point(p)); }
void log_writer::end(std::uint64_t calls) { line(format_end(calls)); }

void log_writer::line(std::string_view text) {
  if (!file_.is_open()) return;
  file_.append(text);
  file_.append("\n");
}

}  // namespace crashpoint::recorder
