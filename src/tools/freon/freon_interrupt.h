// A freon run that Ctrl-C (SIGINT) or SIGTERM stops with its report printed, as Ozone's
// generators print theirs from a JVM shutdown hook: the workers finish the task at hand and
// start no other, cleaning (--clean-objects) is skipped, the report shows what the run did, and
// the command exits 128 + the signal (130 for Ctrl-C), as a JVM does. A second signal ends the
// command at once (a worker may wait long in a call to an OM that is down).
//
// Thread-safety: RunInterruptible is called on the command's thread before it starts any other
// (threads inherit the blocked signals); `run` gets a flag that another thread may set at any
// time.
#pragma once

#include <atomic>
#include <functional>

#include "common/status.h"
#include "tools/cli/command_context.h"

namespace ozone::tools::freon {

using InterruptibleRun = std::function<Status(const std::atomic<bool>& interrupted)>;

// Runs `run` (connecting, the generator, its report) while a thread waits for SIGINT or SIGTERM;
// a signal sets `interrupted` and the command's exit code. Returns what `run` returns.
Status RunInterruptible(CommandContext& ctx, const InterruptibleRun& run);

}  // namespace ozone::tools::freon
