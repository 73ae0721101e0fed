#include "scm/server/scm_server_runner.h"

#include <absl/synchronization/mutex.h>
#include <pthread.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include "common/logging.h"
#include "scm/server/scm_storage_config.h"
#include "scm/server/storage_container_manager.h"

namespace ozone::scm {

namespace {

namespace fs = std::filesystem;

std::string DefaultLogFile(const config::Configuration& conf) {
  Result<ScmStorageConfig> s = ScmStorageConfig::FromConfiguration(conf);
  if (!s.ok()) return "";
  fs::path logs = fs::path(s->metadata_dir).parent_path() / "logs";
  std::error_code ec;
  fs::create_directories(logs, ec);
  if (ec) return "";
  return (logs / ("ozone-scm-" + s->self.node_id + ".log")).string();
}

}  // namespace

Status RunScmServer(const config::Configuration& conf, const std::string& log_file,
                    std::ostream& out) {
  // Debian's abseil checks every absl::Mutex acquisition for lock-order cycles (gRPC locks
  // several on every call: ~9% of the leader's CPU under allocateBlock load); a server process
  // does not pay for that debugging aid.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Signals go to the waiting thread below, not to whichever thread the kernel picks: block them
  // before any thread starts (threads inherit the mask).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::string file = log_file.empty() ? DefaultLogFile(conf) : log_file;
  OZ_RETURN_IF_ERROR(logging::InitForServer("scm", file));

  OZ_ASSIGN_OR_RETURN(std::unique_ptr<StorageContainerManager> scm,
                      StorageContainerManager::Create(conf));
  OZ_RETURN_IF_ERROR(scm->Start());
  OZ_ASSIGN_OR_RETURN(ScmStorageConfig storage, ScmStorageConfig::FromConfiguration(conf));
  out << "SCM " << storage.self.node_id << " started" << (file.empty() ? "" : ", logging to ")
      << file << std::endl;

  StorageContainerManager* raw = scm.get();
  std::thread waiter([&signals, raw] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("scm: received signal {}, shutting down", sig);
    raw->Stop();
  });
  scm->Wait();
  // Stopped by a signal (the waiter returned) or from inside (the waiter still waits).
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  scm.reset();
  spdlog::info("scm: shut down");
  return Status::OK();
}

}  // namespace ozone::scm
