#include "om/server/om_server_runner.h"

#include <absl/synchronization/mutex.h>

#include "common/logging.h"
#include "common/server_process.h"
#include "om/server/om_storage_config.h"

namespace ozone::om {

ozone::Status RunOmServer(const config::Configuration& conf, OzoneManagerOptions options,
                   const std::string& log_file, std::ostream& out) {
  // As in `ozone scm`: no abseil lock-order checking on every absl::Mutex acquisition (gRPC's
  // locks, on every client call) in a server process.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Signals go to one thread that stops the server: blocked before any thread starts.
  process::StopSignals signals;

  OZ_ASSIGN_OR_RETURN(OmStorageConfig storage, OmStorageConfig::FromConfiguration(conf));
  std::string file = log_file.empty() ? process::DefaultServerLogFile(storage.metadata_dir, "om",
                                                                      storage.self.node_id)
                                      : log_file;
  OZ_RETURN_IF_ERROR(logging::InitForServer("om", file));

  OZ_ASSIGN_OR_RETURN(std::unique_ptr<OzoneManager> om, OzoneManager::Create(conf, options));
  OZ_RETURN_IF_ERROR(om->Start());
  out << "OM " << storage.self.node_id << " started" << (file.empty() ? "" : ", logging to ")
      << file << std::endl;

  signals.RunUntilStopped(
      "om", [&om] { om->Stop(); }, [&om] { om->Wait(); });
  om.reset();
  spdlog::info("om: shut down");
  return Status::OK();
}

}  // namespace ozone::om
