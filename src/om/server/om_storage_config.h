// OmStorageConfig: where one OM node keeps its state and who it is, from the configuration
// (Ozone's OMStorage and OMHANodeDetails):
//   <ozone.om.db.dirs, else ozone.metadata.dirs>/om/current/VERSION   identity (nodeType=OM,
//                                                                    clusterID from SCM, omUuid,
//                                                                    nodeId, cTime, layoutVersion)
//   <same>/om.db                                                      the replicated namespace
//   <ozone.om.ratis.storage.dir, else <meta>/om.ratis>/<service id>  the Raft log of the ring
//   <ozone.om.ratis.snapshot.dir, else <meta>/om.ratis.snapshot>     downloaded checkpoints
// The Raft group is named after the OM service id and its peers are the OM node ids (Ozone's
// OzoneManagerRatisServer; Ozone hashes the service id into a UUID, the engine takes the name).
//
// Thread-safety: a value type whose fields are set once; `nodes` (the peer list) is thread-safe and
// grows while the OM runs (LearnNode).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/config/configuration.h"
#include "common/result.h"
#include "common/topology/ha_nodes.h"
#include "common/version_file.h"
#include "om/server/om_peer_list.h"

namespace ozone::om {

struct OmStorageConfig {
  // This node (FindLocalOmNode) and every node of its service that is not decommissioned
  // (ozone.om.decommissioned.nodes.<svc>), in configured order, then the OMs learnt while
  // running.
  topology::OmNodeDetails self;
  OmPeerList nodes;
  // The node ids of ozone.om.listener.nodes.<svc> when the process started.
  std::set<std::string> listeners;

  std::string metadata_dir;
  std::string version_path;
  std::string db_path;
  std::string ratis_dir;     // the parent of the group's log directory
  std::string snapshot_dir;  // checkpoints and backups (on the file system of db_path)

  // Reads the configuration (no file is touched).
  static Result<OmStorageConfig> FromConfiguration(const config::Configuration& conf);

  // The Raft group id: the service id (omServiceIdDefault for a single OM without one).
  std::string GroupId() const { return self.service_id; }
  std::string RaftLogDir() const { return ratis_dir + "/" + GroupId(); }
  // The other nodes of the service.
  std::vector<topology::OmNodeDetails> Others() const;
  std::optional<topology::OmNodeDetails> NodeById(const std::string& node_id) const;
  std::optional<topology::OmNodeDetails> NodeByRatisAddress(const std::string& address) const;

  // An OM of this node's service in a configuration, and whether
  // ozone.om.decommissioned.nodes.<svc> lists it.
  struct ConfiguredOm {
    topology::OmNodeDetails node;
    bool decommissioned = false;
  };
  // The OMs of this node's service in `conf` (ozone-site.xml as re-read now), in configured
  // order. Errors: a node without an address, a malformed port.
  Result<std::vector<ConfiguredOm>> ConfiguredNodes(const config::Configuration& conf) const;
  // Takes OM `node_id` from `conf` (re-read) into `nodes` (added, or its addresses updated);
  // returns it. NotFound naming the node when `conf` does not configure it or lists it as
  // decommissioned.
  Result<topology::OmNodeDetails> LearnNode(const config::Configuration& conf,
                                            const std::string& node_id);

  // The VERSION file, or NotFound (not initialized).
  Result<VersionFile> LoadVersion() const;
};

}  // namespace ozone::om
