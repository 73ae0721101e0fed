#include "common/server_process.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace ozone::process {

StopSignals::StopSignals(bool second_signal_exits) : second_signal_exits_(second_signal_exits) {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

int StopSignals::RunUntilStopped(std::string_view name, const std::function<void()>& stop,
                                 const std::function<void()>& wait) {
  std::atomic<bool> released{false};
  std::atomic<int> received{0};
  std::thread waiter([this, name, &stop, &released, &received] {
    int sig = 0;
    sigwait(&signals_, &sig);
    if (released.load()) return;  // woken below: `wait` returned without a signal
    received.store(sig);
    spdlog::info("{}: received signal {}, shutting down", name, sig);
    stop();
    if (!second_signal_exits_) return;
    sigwait(&signals_, &sig);
    if (released.load()) return;
    std::_Exit(128 + sig);
  });
  wait();
  // Stopped by a signal (the waiter returned) or from inside (the waiter still waits).
  released.store(true);
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return received.load();
}

std::string DefaultServerLogFile(const std::string& metadata_dir, std::string_view component,
                                 std::string_view node_id) {
  namespace fs = std::filesystem;
  fs::path logs = fs::path(metadata_dir).parent_path() / "logs";
  std::error_code ec;
  fs::create_directories(logs, ec);
  if (ec) return "";
  return (logs / ("ozone-" + std::string(component) + "-" + std::string(node_id) + ".log"))
      .string();
}

}  // namespace ozone::process
