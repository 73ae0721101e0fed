// SimTrace: the event trace of a simulation run, for replaying a failing seed.
//
// Tracing costs nothing when off: SIM_TRACE formats its line only when the trace is enabled.
// When on, every line goes to the output stream (verbose replay) and/or into a bounded tail that
// a failure report prints.
//
// Thread-safety: not thread-safe.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <deque>
#include <ostream>
#include <string>

#include "ha/raft/message.h"
#include "ha/raft/sim/sim_time.h"

namespace ozone::raft::sim {

class SimTrace {
 public:
  // `now` is read for every line's timestamp; it must outlive the trace.
  explicit SimTrace(const SimTime* now) : now_(now) {}

  // Enables tracing: lines go to `out` (if not null) and the last `tail` lines are kept.
  void Enable(std::ostream* out, size_t tail);
  bool enabled() const { return enabled_; }

  void Line(std::string text);
  // The last lines kept, oldest first.
  const std::deque<std::string>& tail() const { return tail_; }

 private:
  const SimTime* now_;
  bool enabled_ = false;
  std::ostream* out_ = nullptr;
  size_t tail_limit_ = 0;
  std::deque<std::string> tail_;
};

// One line describing a message: type, route, term and the fields that type uses.
std::string DescribeMessage(const Message& m);

}  // namespace ozone::raft::sim

// Adds a formatted line to `trace` if it is enabled; the arguments are not evaluated otherwise.
#define SIM_TRACE(trace, ...)                                      \
  do {                                                             \
    if ((trace).enabled()) (trace).Line(fmt::format(__VA_ARGS__)); \
  } while (0)
