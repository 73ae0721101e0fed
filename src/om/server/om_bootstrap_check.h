// OmBootstrapCheck: what `ozone om --bootstrap` (without --force) verifies before the new OM
// joins the running ring (Ozone's OzoneManager.checkConfigBeforeBootstrap and
// checkRemoteOMConfig, reference/ozone-ha.md §3.10): every other OM of this node's configuration
// is asked what it knows (OzoneManagerAdminService.GetOMConfiguration; the peer answers after
// re-reading its ozone-site.xml). A peer is fine when its re-read configuration has the new
// node with the same RPC address and Raft port, not decommissioned, and its ring does not have
// the node already. Otherwise, or when it cannot be asked, the bootstrap stops with Ozone's
// message: "OM [om1[host:port]] do not have or have incorrect information of the bootstrapping
// OM. Update their ozone-site.xml before proceeding." (OM(s) [a,b] for several), and nothing was
// changed anywhere.
//
// Thread-safety: stateless (Run calls `fetch` from the calling thread, one peer after another).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/topology/ha_nodes.h"
#include "om.pb.h"

namespace ozone::om {

class OmBootstrapCheck {
 public:
  // Asks one peer for its OMConfigurationResponse.
  using Fetch =
      std::function<Result<OMConfigurationResponse>(const topology::OmNodeDetails& peer)>;

  // What is wrong with `peer`'s answer about bootstrapping `self` (one sentence), or nullopt when
  // the peer is ready for it.
  static std::optional<std::string> Problem(const topology::OmNodeDetails& self,
                                            const topology::OmNodeDetails& peer,
                                            const Result<OMConfigurationResponse>& answer);

  // Asks every peer; OK, or FailedPrecondition with the message above naming every peer that is
  // not ready (each one's problem is logged).
  static ozone::Status Run(const topology::OmNodeDetails& self,
                    const std::vector<topology::OmNodeDetails>& peers, const Fetch& fetch);

  // A Fetch over gRPC to the peer's RPC address, one call with `timeout`.
  static Fetch OverGrpc(std::chrono::milliseconds timeout);
};

}  // namespace ozone::om
