// ScmStorageConfig: where one SCM node keeps its state and who it is, from the configuration
// (Ozone's SCMStorageConfig and SCMHANodeDetails):
//   <ozone.scm.db.dirs, else ozone.metadata.dirs>/scm/current/VERSION   identity (clusterID,
//                                                                     scmUuid = Raft peer id)
//   <same>/scm.db                                                       the replicated state
//   <ozone.scm.ha.ratis.storage.dir, else <meta>/scm.ratis>/<group>    the Raft log of the ring
//   <ozone.scm.ha.ratis.snapshot.dir, else <meta>/scm.ratis.snapshot>  downloaded checkpoints
// The Raft group is named after the clusterID without its "CID-" prefix (Ozone's
// SCMRatisServerImpl.buildRaftGroupId).
//
// Thread-safety: a value type.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/config/configuration.h"
#include "common/result.h"
#include "common/topology/ha_nodes.h"
#include "common/version_file.h"

namespace ozone::scm {

inline constexpr char kClusterIdPrefix[] = "CID-";

// The Raft group id of a cluster: its id without "CID-". InvalidArgument unless the rest is a
// UUID.
Result<std::string> GroupIdOf(const std::string& cluster_id);

struct ScmStorageConfig {
  // This node, as configured (FindLocalScmNode), and every node of its service.
  topology::ScmNodeDetails self;
  std::vector<topology::ScmNodeDetails> nodes;

  std::string metadata_dir;
  std::string version_path;
  std::string db_path;
  std::string ratis_dir;     // the parent of the group's log directory
  std::string snapshot_dir;  // checkpoints and backups (on the file system of db_path)

  // Reads the configuration (no file is touched).
  static Result<ScmStorageConfig> FromConfiguration(const config::Configuration& conf);

  // The Raft log directory of the group of `cluster_id`.
  Result<std::string> RaftLogDir(const std::string& cluster_id) const;
  // The other nodes of the service.
  std::vector<topology::ScmNodeDetails> Others() const;
  // The configured node whose Raft address is `ratis_address`, if any.
  std::optional<topology::ScmNodeDetails> NodeByRatisAddress(
      const std::string& ratis_address) const;

  // The VERSION file, or NotFound (not initialized).
  Result<VersionFile> LoadVersion() const;
};

}  // namespace ozone::scm
