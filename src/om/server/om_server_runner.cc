#include "om/server/om_server_runner.h"

#include <absl/synchronization/mutex.h>
#include <pthread.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include "common/logging.h"
#include "om/server/om_storage_config.h"

namespace ozone::om {

namespace {

namespace fs = std::filesystem;

std::string DefaultLogFile(const OmStorageConfig& s) {
  fs::path logs = fs::path(s.metadata_dir).parent_path() / "logs";
  std::error_code ec;
  fs::create_directories(logs, ec);
  if (ec) return "";
  return (logs / ("ozone-om-" + s.self.node_id + ".log")).string();
}

}  // namespace

ozone::Status RunOmServer(const config::Configuration& conf, OzoneManagerOptions options,
                   const std::string& log_file, std::ostream& out) {
  // As in `ozone scm`: no abseil lock-order checking on every absl::Mutex acquisition (gRPC's
  // locks, on every client call) in a server process.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Signals go to the waiting thread below: block them before any thread starts (threads
  // inherit the mask).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  OZ_ASSIGN_OR_RETURN(OmStorageConfig storage, OmStorageConfig::FromConfiguration(conf));
  std::string file = log_file.empty() ? DefaultLogFile(storage) : log_file;
  OZ_RETURN_IF_ERROR(logging::InitForServer("om", file));

  OZ_ASSIGN_OR_RETURN(std::unique_ptr<OzoneManager> om, OzoneManager::Create(conf, options));
  OZ_RETURN_IF_ERROR(om->Start());
  out << "OM " << storage.self.node_id << " started" << (file.empty() ? "" : ", logging to ")
      << file << std::endl;

  OzoneManager* raw = om.get();
  std::thread waiter([&signals, raw] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("om: received signal {}, shutting down", sig);
    raw->Stop();
  });
  om->Wait();
  // Stopped by a signal (the waiter returned) or from inside (the waiter still waits).
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  om.reset();
  spdlog::info("om: shut down");
  return Status::OK();
}

}  // namespace ozone::om
