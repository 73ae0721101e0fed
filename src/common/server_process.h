// What `ozone scm` and `ozone om` share around a server run in the foreground: SIGTERM and SIGINT
// taken by one thread that stops the server, and the default log file. `ozone freon` takes the
// signals the same way to stop a run and still print its report.
//
// Thread-safety: StopSignals is made on the main thread before any other thread starts (threads
// inherit the signal mask), then RunUntilStopped runs there once.
#pragma once

#include <signal.h>

#include <functional>
#include <string>
#include <string_view>

namespace ozone::process {

class StopSignals {
 public:
  // Blocks SIGTERM and SIGINT in the calling thread, and so in every thread it starts after: the
  // signals then reach RunUntilStopped's waiting thread only. With `second_signal_exits`, a
  // second signal while the stop is under way ends the process at once (exit 128 + the signal),
  // as a user who presses Ctrl-C again expects of a command.
  explicit StopSignals(bool second_signal_exits = false);

  // Calls `wait` (which returns once the server stopped) while a thread waits for a signal and
  // calls `stop` when one comes. Returns once both are done: the signal that came (SIGTERM,
  // SIGINT), or 0 when `wait` returned without one (the server stopped from inside; `stop` is not
  // called then). A signal that comes as `wait` returns may still call `stop`: it must be
  // idempotent. `name` prefixes the log line a signal writes.
  int RunUntilStopped(std::string_view name, const std::function<void()>& stop,
                      const std::function<void()>& wait);

 private:
  sigset_t signals_;
  const bool second_signal_exits_;
};

// <metadata_dir>/../logs/ozone-<component>-<node_id>.log, its directory created; "" if it cannot
// be (the server then logs to stderr only).
std::string DefaultServerLogFile(const std::string& metadata_dir, std::string_view component,
                                 std::string_view node_id);

}  // namespace ozone::process
