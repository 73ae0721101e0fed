#include "scm/server/scm_server_runner.h"

#include <absl/synchronization/mutex.h>

#include "common/logging.h"
#include "common/server_process.h"
#include "scm/server/scm_storage_config.h"
#include "scm/server/storage_container_manager.h"

namespace ozone::scm {

namespace {

std::string DefaultLogFile(const config::Configuration& conf) {
  Result<ScmStorageConfig> s = ScmStorageConfig::FromConfiguration(conf);
  if (!s.ok()) return "";
  return process::DefaultServerLogFile(s->metadata_dir, "scm", s->self.node_id);
}

}  // namespace

Status RunScmServer(const config::Configuration& conf, const std::string& log_file,
                    std::ostream& out) {
  // Debian's abseil checks every absl::Mutex acquisition for lock-order cycles (gRPC locks
  // several on every call: ~9% of the leader's CPU under allocateBlock load); a server process
  // does not pay for that debugging aid.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Signals go to one thread that stops the server, not to whichever thread the kernel picks:
  // blocked before any thread starts.
  process::StopSignals signals;

  std::string file = log_file.empty() ? DefaultLogFile(conf) : log_file;
  OZ_RETURN_IF_ERROR(logging::InitForServer("scm", file));

  OZ_ASSIGN_OR_RETURN(std::unique_ptr<StorageContainerManager> scm,
                      StorageContainerManager::Create(conf));
  OZ_RETURN_IF_ERROR(scm->Start());
  OZ_ASSIGN_OR_RETURN(ScmStorageConfig storage, ScmStorageConfig::FromConfiguration(conf));
  out << "SCM " << storage.self.node_id << " started" << (file.empty() ? "" : ", logging to ")
      << file << std::endl;

  signals.RunUntilStopped(
      "scm", [&scm] { scm->Stop(); }, [&scm] { scm->Wait(); });
  scm.reset();
  spdlog::info("scm: shut down");
  return Status::OK();
}

}  // namespace ozone::scm
