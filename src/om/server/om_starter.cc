#include "om/server/om_starter.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "client/scm_client.h"
#include "common/uuid.h"
#include "om/server/om_storage_config.h"

namespace ozone::om {

namespace {

namespace fs = std::filesystem;

// The missing directories from the top of `dir` down (so that a failure removes what it made).
std::vector<fs::path> MissingDirs(const std::string& dir) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = fs::path(dir).lexically_normal(); !p.empty() && !fs::exists(p, ec);
       p = p.parent_path()) {
    missing.insert(missing.begin(), p);
    if (p == p.parent_path()) break;
  }
  return missing;
}

}  // namespace

Result<OmInitResult> InitOm(const config::Configuration& conf) {
  OZ_ASSIGN_OR_RETURN(OmStorageConfig s, OmStorageConfig::FromConfiguration(conf));
  OmInitResult r;
  Result<VersionFile> existing = s.LoadVersion();
  if (existing.ok()) {
    r.skipped = true;
    r.cluster_id = existing->cluster_id();
    r.om_uuid = existing->Get(VersionFile::kOmUuid).value_or("");
    r.message = "OM already initialized.Reusing existing cluster id for sd=" + s.metadata_dir +
                "/om;cid=" + r.cluster_id + ";layoutVersion=" +
                std::to_string(existing->layout_version());
    return r;
  }
  if (!existing.status().IsNotFound()) return existing.status();

  // The cluster id is SCM's: nothing is written before SCM answered.
  auto scm = client::ScmClient::Create(conf);
  if (!scm.ok()) return scm.status().WithContext("OM init: no SCM to ask for the cluster id");
  Result<scm::GetScmInfoResponse> info = (*scm)->GetScmInfo();
  if (!info.ok()) {
    return info.status().WithContext("OM init failed: cannot get the cluster id from SCM");
  }
  r.cluster_id = info->clusterid();
  if (r.cluster_id.empty()) return Status::Internal("OM init failed: SCM returned no cluster id");
  r.om_uuid = Uuid::Random().ToString();

  std::vector<fs::path> created = MissingDirs(fs::path(s.version_path).parent_path().string());
  std::error_code ec;
  fs::create_directories(fs::path(s.version_path).parent_path(), ec);
  Status st = ec ? Status::IoError("cannot create " + fs::path(s.version_path).parent_path().string() +
                                   ": " + ec.message())
                 : Status::OK();
  if (st.ok()) {
    VersionFile v = VersionFile::Create(NodeType::kOm, r.cluster_id, Clock::Real().WallMillis(),
                                        kOmLayoutVersion);
    v.Set(VersionFile::kOmUuid, r.om_uuid);
    v.Set(VersionFile::kNodeId, s.self.node_id);
    st = v.Save(s.version_path);
  }
  if (!st.ok()) {
    for (auto it = created.rbegin(); it != created.rend(); ++it) fs::remove_all(*it, ec);
    return st;
  }
  r.message = "OM initialization succeeded.Current cluster id for sd=" + s.metadata_dir +
              "/om;cid=" + r.cluster_id + ";layoutVersion=" + std::to_string(kOmLayoutVersion);
  spdlog::info("om {}: initialized in cluster {} as omUuid {}", s.self.node_id, r.cluster_id,
               r.om_uuid);
  return r;
}

}  // namespace ozone::om
