#include "scm/server/scm_starter.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "common/config/ozone_keys.h"
#include "common/uuid.h"
#include "ha/ha_node.h"
#include "scm/metadata/scm_db_definition.h"
#include "scm/server/scm_ring_client.h"
#include "scm/server/scm_storage_config.h"
#include "storage/db_store.h"

namespace ozone::scm {

namespace {

namespace fs = std::filesystem;
namespace keys = config::keys;

// The layout version this SCM writes into a new VERSION file.
constexpr int kScmLayoutVersion = 0;

// Whether `self` is the node ozone.scm.primordial.node.id names (by node id or host name);
// nullopt when the key is unset.
std::optional<bool> IsPrimordial(const config::Configuration& conf,
                                 const topology::ScmNodeDetails& self, std::string* primordial) {
  std::optional<std::string> p = conf.Get(keys::kScmPrimordialNodeId);
  if (!p || p->empty()) return std::nullopt;
  *primordial = *p;
  return *p == self.node_id || *p == self.host;
}

// Removes what a failed command created (paths that did not exist before it), so that a failure
// leaves nothing behind.
class Cleanup {
 public:
  // Records `path` for removal if it does not exist yet.
  void Track(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) paths_.push_back(path);
  }
  void Commit() { paths_.clear(); }
  ~Cleanup() {
    for (auto it = paths_.rbegin(); it != paths_.rend(); ++it) {
      std::error_code ec;
      fs::remove_all(*it, ec);
    }
  }

 private:
  std::vector<std::string> paths_;
};

Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  return Status::OK();
}

// Tracks, then creates, every missing directory from the top of `dir` down.
Status TrackAndMakeDirs(Cleanup& cleanup, const std::string& dir) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = fs::path(dir).lexically_normal(); !p.empty() && !fs::exists(p, ec);
       p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) cleanup.Track(it->string());
  return MakeDirs(dir);
}

std::string InitDoneMessage(const ScmStorageConfig& s, const std::string& cluster_id) {
  return "SCM initialization succeeded. Current cluster id for sd=" + s.metadata_dir +
         "/scm; cid=" + cluster_id + "; layoutVersion=" + std::to_string(kScmLayoutVersion) +
         "; HA=true";
}

}  // namespace

Result<InitResult> InitScm(const config::Configuration& conf,
                           const std::optional<std::string>& cluster_id) {
  OZ_ASSIGN_OR_RETURN(ScmStorageConfig s, ScmStorageConfig::FromConfiguration(conf));
  InitResult r;
  std::string primordial;
  if (IsPrimordial(conf, s.self, &primordial) == false) {
    r.skipped = true;
    r.message = "Skipping SCM init on " + s.self.node_id + ": it is not the primordial SCM (" +
                std::string(keys::kScmPrimordialNodeId.name) + "=" + primordial + ")";
    return r;
  }
  if (cluster_id) OZ_RETURN_IF_ERROR(GroupIdOf(*cluster_id).status());

  Result<VersionFile> existing = s.LoadVersion();
  if (existing.ok()) {
    r.skipped = true;
    r.cluster_id = existing->cluster_id();
    r.scm_uuid = existing->Get(VersionFile::kScmUuid).value_or("");
    if (cluster_id && *cluster_id != r.cluster_id) {
      return Status::InvalidArgument("SCM " + s.self.node_id + " is initialized with cluster id " +
                                     r.cluster_id + ", not " + *cluster_id + " (" + s.version_path +
                                     ")");
    }
    r.message =
        "SCM already initialized. Reusing existing cluster id: " + r.cluster_id + ", HA=true";
    return r;
  }
  if (!existing.status().IsNotFound()) return existing.status();

  r.cluster_id = cluster_id.value_or(std::string(kClusterIdPrefix) + Uuid::Random().ToString());
  r.scm_uuid = Uuid::Random().ToString();
  OZ_ASSIGN_OR_RETURN(std::string log_dir, s.RaftLogDir(r.cluster_id));

  Cleanup cleanup;
  OZ_RETURN_IF_ERROR(TrackAndMakeDirs(cleanup, s.metadata_dir));
  OZ_RETURN_IF_ERROR(TrackAndMakeDirs(cleanup, fs::path(s.version_path).parent_path().string()));
  OZ_RETURN_IF_ERROR(TrackAndMakeDirs(cleanup, s.ratis_dir));
  OZ_RETURN_IF_ERROR(TrackAndMakeDirs(cleanup, s.snapshot_dir));
  OZ_ASSIGN_OR_RETURN(bool has_ring, ha::HaNode::HasRing(log_dir));
  if (has_ring) {
    return Status::FailedPrecondition("the Raft log " + log_dir +
                                      " holds a ring already but there is no " + s.version_path);
  }
  cleanup.Track(log_dir);
  cleanup.Track(s.db_path);
  { OZ_ASSIGN_OR_RETURN(auto db, storage::DBStore::Open(s.db_path, ScmDbDefinition())); }
  OZ_RETURN_IF_ERROR(
      ha::HaNode::Bootstrap(
          log_dir, raft::Configuration{{raft::PeerInfo{r.scm_uuid, s.self.RatisAddress().ToString(),
                                                       raft::PeerRole::kVoter}}})
          .WithContext("writing the first configuration of the ring into " + log_dir));

  VersionFile v = VersionFile::Create(NodeType::kScm, r.cluster_id, Clock::Real().WallMillis(),
                                      kScmLayoutVersion);
  v.Set(VersionFile::kScmUuid, r.scm_uuid);
  v.Set(VersionFile::kScmHa, "true");
  v.Set(VersionFile::kPrimaryScmNodeId, r.scm_uuid);
  OZ_RETURN_IF_ERROR(v.Save(s.version_path));
  cleanup.Commit();
  r.message = InitDoneMessage(s, r.cluster_id);
  spdlog::info("scm {}: initialized cluster {} as scmUuid {} (ring in {})", s.self.node_id,
               r.cluster_id, r.scm_uuid, log_dir);
  return r;
}

Result<InitResult> BootstrapScm(const config::Configuration& conf) {
  OZ_ASSIGN_OR_RETURN(ScmStorageConfig s, ScmStorageConfig::FromConfiguration(conf));
  InitResult r;
  std::string primordial;
  if (IsPrimordial(conf, s.self, &primordial) == true) {
    r.skipped = true;
    r.message = "Skipping SCM bootstrap on " + s.self.node_id + ": it is the primordial SCM (" +
                std::string(keys::kScmPrimordialNodeId.name) + "=" + primordial + ")";
    return r;
  }
  Result<VersionFile> existing = s.LoadVersion();
  if (!existing.ok() && !existing.status().IsNotFound()) return existing.status();
  if (existing.ok()) {
    r.cluster_id = existing->cluster_id();
    r.scm_uuid = existing->Get(VersionFile::kScmUuid).value_or("");
    OZ_ASSIGN_OR_RETURN(bool skip_validation, conf.GetBool(keys::kScmSkipBootstrapValidation));
    if (skip_validation) {
      r.skipped = true;
      r.message = "SCM already bootstrapped into cluster " + r.cluster_id + " (" +
                  std::string(keys::kScmSkipBootstrapValidation.name) + "=true)";
      return r;
    }
  }

  std::vector<topology::ScmNodeDetails> peers = s.Others();
  if (peers.empty()) {
    return Status::InvalidArgument("no other SCM is configured for service " + s.self.service_id +
                                   " (" + std::string(keys::kScmNodesPrefix) + "." +
                                   s.self.service_id + "): there is no ring to bootstrap from");
  }
  OZ_ASSIGN_OR_RETURN(auto wait,
                      conf.GetDuration(keys::kScmInfoWaitDuration, config::TimeUnit::kSeconds));
  ScmRingClient ring(peers);
  OZ_ASSIGN_OR_RETURN(GetScmInfoResponse info,
                      ring.GetScmInfo(std::chrono::duration_cast<std::chrono::milliseconds>(wait)));
  if (existing.ok()) {
    if (info.clusterid() != r.cluster_id) {
      return Status::InvalidArgument("cluster id mismatch: SCM " + s.self.node_id +
                                     " belongs to cluster " + r.cluster_id + " (" + s.version_path +
                                     ") but the running SCMs to " + info.clusterid());
    }
    r.skipped = true;
    r.message = "SCM already bootstrapped into cluster " + r.cluster_id + " as SCMID " + r.scm_uuid;
    return r;
  }
  OZ_RETURN_IF_ERROR(GroupIdOf(info.clusterid()).status());

  r.cluster_id = info.clusterid();
  r.scm_uuid = Uuid::Random().ToString();
  Cleanup cleanup;
  OZ_RETURN_IF_ERROR(TrackAndMakeDirs(cleanup, s.metadata_dir));
  OZ_RETURN_IF_ERROR(TrackAndMakeDirs(cleanup, fs::path(s.version_path).parent_path().string()));
  OZ_RETURN_IF_ERROR(TrackAndMakeDirs(cleanup, s.ratis_dir));
  OZ_RETURN_IF_ERROR(TrackAndMakeDirs(cleanup, s.snapshot_dir));
  VersionFile v = VersionFile::Create(NodeType::kScm, r.cluster_id, Clock::Real().WallMillis(),
                                      kScmLayoutVersion);
  v.Set(VersionFile::kScmUuid, r.scm_uuid);
  v.Set(VersionFile::kScmHa, "true");
  v.Set(VersionFile::kPrimaryScmNodeId, info.scmid());
  OZ_RETURN_IF_ERROR(v.Save(s.version_path));
  cleanup.Commit();
  r.message = "SCM bootstrap is successful for ClusterID " + r.cluster_id + ", SCMID " + r.scm_uuid;
  spdlog::info("scm {}: bootstrapped into cluster {} as scmUuid {} (leader {})", s.self.node_id,
               r.cluster_id, r.scm_uuid, info.scmid());
  return r;
}

}  // namespace ozone::scm
