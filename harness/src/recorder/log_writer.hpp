// SPDX-License-Identifier: Apache-2.0
// log_writer.hpp: the recorder's I/O log, one JSON object per line.
//
//   log_writer log(buffered_file::create("io.jsonl"), "/tmp/run/work");  // writes the header line
//   log.call(op);          // {"seq":3,"pid":41,"tid":41,"call":"rename","kind":"rename",...}
//   log.event(ev);         // {"event":"fork","pid":41,"child":42}
//   log.warn(w);           // {"event":"warning","pid":42,"kind":"io_uring","message":"..."}
//   log.end(calls);        // {"event":"end","calls":12}: the log is complete
//   log.flush();
//
// Lines are formatted with fmt into a buffer, never through a JSON DOM: the
// recorder writes one per traced call. Every field is described in
// docs/recorder.md; format_* give a line's text for tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "recorder/buffered_file.hpp"
#include "recorder/io_op.hpp"

namespace crashpoint::recorder {

inline constexpr std::string_view log_format_name = "crashpoint-record";
inline constexpr int log_format_version = 1;

class log_writer {
 public:
  log_writer() = default;  // writes nothing
  log_writer(buffered_file file, std::string_view root);

  void call(const io_op& op);
  void event(const process_event& ev);
  void warn(const warning& w);
  void point(const point_event& p);
  void end(std::uint64_t calls);
  void flush() { file_.flush(); }

 private:
  void line(std::string_view text);
  buffered_file file_;
};

// Each entry's line, without the newline.
std::string format_header(std::string_view root);
std::string format_call(const io_op& op);
std::string format_event(const process_event& ev);
std::string format_warning(const warning& w);
std::string format_point(const point_event& p);
std::string format_end(std::uint64_t calls);

}  // namespace crashpoint::recorder
