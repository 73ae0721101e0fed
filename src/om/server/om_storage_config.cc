#include "om/server/om_storage_config.h"

#include "common/config/ozone_keys.h"

namespace ozone::om {

namespace keys = config::keys;

Result<OmStorageConfig> OmStorageConfig::FromConfiguration(const config::Configuration& conf) {
  OmStorageConfig s;
  OZ_ASSIGN_OR_RETURN(s.self, topology::FindLocalOmNode(conf));
  if (topology::OmServiceIds(conf).empty()) {
    if (s.self.service_id.empty()) s.self.service_id = topology::kDefaultOmServiceId;
    if (s.self.node_id.empty()) s.self.node_id = topology::kDefaultOmNodeId;
    s.nodes = {s.self};
  } else {
    OZ_ASSIGN_OR_RETURN(s.nodes, topology::OmNodes(conf, s.self.service_id));
  }
  std::string meta = conf.Get(keys::kOzoneMetadataDirs).value_or("");
  std::string db_dir = conf.Get(keys::kOmDbDirs).value_or(meta);
  if (db_dir.empty()) {
    return Status::InvalidArgument(std::string(keys::kOzoneMetadataDirs.name) +
                                   " is not configured: OM needs a directory for its metadata");
  }
  if (meta.empty()) meta = db_dir;
  // Ozone takes the first directory of a list.
  if (auto comma = db_dir.find(','); comma != std::string::npos) db_dir.resize(comma);
  if (auto comma = meta.find(','); comma != std::string::npos) meta.resize(comma);
  s.metadata_dir = db_dir;
  s.version_path = VersionFile::PathFor(db_dir, NodeType::kOm);
  s.db_path = db_dir + "/om.db";
  s.ratis_dir = conf.Get(keys::kOmRatisStorageDir).value_or(meta + "/om.ratis");
  s.snapshot_dir = conf.Get(keys::kOmRatisSnapshotDir).value_or(meta + "/om.ratis.snapshot");
  return s;
}

std::vector<topology::OmNodeDetails> OmStorageConfig::Others() const {
  std::vector<topology::OmNodeDetails> out;
  for (const auto& n : nodes) {
    if (n.node_id != self.node_id) out.push_back(n);
  }
  return out;
}

std::optional<topology::OmNodeDetails> OmStorageConfig::NodeById(
    const std::string& node_id) const {
  for (const auto& n : nodes) {
    if (n.node_id == node_id) return n;
  }
  return std::nullopt;
}

std::optional<topology::OmNodeDetails> OmStorageConfig::NodeByRatisAddress(
    const std::string& address) const {
  for (const auto& n : nodes) {
    if (n.RatisAddress().ToString() == address) return n;
  }
  return std::nullopt;
}

Result<VersionFile> OmStorageConfig::LoadVersion() const { return VersionFile::Load(version_path); }

}  // namespace ozone::om
