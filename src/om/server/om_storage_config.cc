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
    s.nodes = OmPeerList(std::vector<topology::OmNodeDetails>{s.self});
  } else {
    OZ_ASSIGN_OR_RETURN(std::vector<topology::OmNodeDetails> nodes,
                        topology::OmNodes(conf, s.self.service_id));
    // Ozone's peers: the configured OMs that are not decommissioned (a decommissioned node may
    // stay in ozone.om.nodes.<svc>); they are not in a first ring either.
    const std::set<std::string> gone = topology::DecommissionedOmNodeIds(conf, s.self.service_id);
    std::erase_if(nodes, [&](const topology::OmNodeDetails& n) {
      return n.node_id != s.self.node_id && gone.count(n.node_id) > 0;
    });
    s.nodes = OmPeerList(std::move(nodes));
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
  s.listeners = topology::ListenerOmNodeIds(conf, s.self.service_id);
  return s;
}

std::vector<topology::OmNodeDetails> OmStorageConfig::Others() const {
  std::vector<topology::OmNodeDetails> out;
  for (auto& n : nodes.All()) {
    if (n.node_id != self.node_id) out.push_back(std::move(n));
  }
  return out;
}

std::optional<topology::OmNodeDetails> OmStorageConfig::NodeById(
    const std::string& node_id) const {
  return nodes.Find(node_id);
}

std::optional<topology::OmNodeDetails> OmStorageConfig::NodeByRatisAddress(
    const std::string& address) const {
  return nodes.FindByRatisAddress(address);
}

Result<std::vector<OmStorageConfig::ConfiguredOm>> OmStorageConfig::ConfiguredNodes(
    const config::Configuration& conf) const {
  std::vector<ConfiguredOm> out;
  if (topology::OmServiceIds(conf).empty()) {
    out.push_back({self, false});
    return out;
  }
  OZ_ASSIGN_OR_RETURN(std::vector<topology::OmNodeDetails> configured,
                      topology::OmNodes(conf, self.service_id));
  const std::set<std::string> gone = topology::DecommissionedOmNodeIds(conf, self.service_id);
  for (auto& n : configured) {
    const bool decommissioned = gone.count(n.node_id) > 0;
    out.push_back({std::move(n), decommissioned});
  }
  return out;
}

Result<topology::OmNodeDetails> OmStorageConfig::LearnNode(const config::Configuration& conf,
                                                           const std::string& node_id) {
  OZ_ASSIGN_OR_RETURN(std::vector<ConfiguredOm> configured, ConfiguredNodes(conf));
  for (const ConfiguredOm& c : configured) {
    if (c.node.node_id != node_id) continue;
    if (c.decommissioned) {
      return Status::NotFound("OM " + node_id + " is decommissioned (" +
                              std::string(keys::kOmDecommissionedNodesPrefix) + "." +
                              self.service_id + ")");
    }
    nodes.Upsert(c.node);
    return c.node;
  }
  return Status::NotFound("There is no OM configuration for node ID " + node_id +
                          " in ozone-site.xml.");
}

Result<VersionFile> OmStorageConfig::LoadVersion() const { return VersionFile::Load(version_path); }

}  // namespace ozone::om
