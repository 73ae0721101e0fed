// `ozone om --init` (Ozone's OzoneManager.omInit), seed 003:
//   - not initialized: asks SCM for the cluster id (GetScmInfo through client::ScmClient, with its
//     failover over the configured SCMs), then writes <meta>/om/current/VERSION (nodeType=OM,
//     clusterID, omUuid=<new uuid>, nodeId, cTime, layoutVersion) and creates the metadata
//     directory; the ring is formed when the OMs start (every configured OM is a member);
//   - initialized already: nothing is written, success (a re-run is harmless); the message says
//     which cluster id is kept;
//   - SCM unreachable (after the client's retries): an error naming it, nothing written.
// Ozone runs --init on every OM node.
//
// Thread-safety: one command at a time.
#pragma once

#include <string>

#include "common/config/configuration.h"
#include "common/result.h"

namespace ozone::om {

// The layout version this OM writes into a new VERSION file.
inline constexpr int kOmLayoutVersion = 0;

struct OmInitResult {
  bool skipped = false;  // initialized already
  std::string cluster_id;
  std::string om_uuid;
  std::string message;  // what to print
};

Result<OmInitResult> InitOm(const config::Configuration& conf);

}  // namespace ozone::om
