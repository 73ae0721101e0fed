#include "tools/freon/freon_interrupt.h"

#include "common/server_process.h"

namespace ozone::tools::freon {

Status RunInterruptible(CommandContext& ctx, const InterruptibleRun& run) {
  process::StopSignals signals(/*second_signal_exits=*/true);
  std::atomic<bool> interrupted{false};
  Status status;
  const int sig = signals.RunUntilStopped(
      "freon", [&interrupted] { interrupted.store(true); }, [&] { status = run(interrupted); });
  if (sig != 0) ctx.set_exit_code(128 + sig);
  return status;
}

}  // namespace ozone::tools::freon
