#include "scm/server/scm_storage_config.h"

#include "common/config/ozone_keys.h"
#include "common/uuid.h"

namespace ozone::scm {

namespace keys = config::keys;

Result<std::string> GroupIdOf(const std::string& cluster_id) {
  std::string rest = cluster_id;
  if (rest.rfind(kClusterIdPrefix, 0) == 0) rest = rest.substr(sizeof(kClusterIdPrefix) - 1);
  std::optional<Uuid> uuid = Uuid::Parse(rest);
  if (!uuid) {
    return Status::InvalidArgument("invalid cluster id " + cluster_id +
                                   ": expected CID-<uuid> or a UUID");
  }
  return uuid->ToString();
}

Result<ScmStorageConfig> ScmStorageConfig::FromConfiguration(const config::Configuration& conf) {
  ScmStorageConfig s;
  OZ_ASSIGN_OR_RETURN(s.self, topology::FindLocalScmNode(conf));
  if (topology::ScmServiceIds(conf).empty()) {
    s.nodes = {s.self};
  } else {
    OZ_ASSIGN_OR_RETURN(s.nodes, topology::ScmNodes(conf, s.self.service_id));
  }
  std::string meta = conf.Get(keys::kOzoneMetadataDirs).value_or("");
  std::string db_dir = conf.Get(keys::kScmDbDirs).value_or(meta);
  if (db_dir.empty()) {
    return Status::InvalidArgument(std::string(keys::kOzoneMetadataDirs.name) +
                                   " is not configured: SCM needs a directory for its metadata");
  }
  if (meta.empty()) meta = db_dir;
  // Ozone takes the first directory of a list.
  if (auto comma = db_dir.find(','); comma != std::string::npos) db_dir.resize(comma);
  if (auto comma = meta.find(','); comma != std::string::npos) meta.resize(comma);
  s.metadata_dir = db_dir;
  s.version_path = VersionFile::PathFor(db_dir, NodeType::kScm);
  s.db_path = db_dir + "/scm.db";
  s.ratis_dir = conf.Get(keys::kScmHaRatisStorageDir).value_or(meta + "/scm.ratis");
  s.snapshot_dir = conf.Get(keys::kScmHaRatisSnapshotDir).value_or(meta + "/scm.ratis.snapshot");
  return s;
}

Result<std::string> ScmStorageConfig::RaftLogDir(const std::string& cluster_id) const {
  OZ_ASSIGN_OR_RETURN(std::string group, GroupIdOf(cluster_id));
  return ratis_dir + "/" + group;
}

std::vector<topology::ScmNodeDetails> ScmStorageConfig::Others() const {
  std::vector<topology::ScmNodeDetails> out;
  for (const auto& n : nodes) {
    if (n.node_id != self.node_id) out.push_back(n);
  }
  return out;
}

std::optional<topology::ScmNodeDetails> ScmStorageConfig::NodeByRatisAddress(
    const std::string& ratis_address) const {
  for (const auto& n : nodes) {
    if (n.RatisAddress().ToString() == ratis_address) return n;
  }
  return std::nullopt;
}

Result<VersionFile> ScmStorageConfig::LoadVersion() const {
  return VersionFile::Load(version_path);
}

}  // namespace ozone::scm
