// OmRingAdmin: the OMRequests the OM server answers itself from its ring (the OM core answers
// them NOT_SUPPORTED_OPERATION):
//   ServiceList          every member of the ring as this node sees it (Ozone's
//                        OzoneManager.getServiceList, used by `ozone admin om roles`): per OM its
//                        host, RPC and RATIS ports and OMRoleInfo{nodeId, serverRole}, the other
//                        members first, then this node; roles are LEADER or FOLLOWER (a learner
//                        still catching up is listed as FOLLOWER).
//   TransferLeadership   `ozone admin om transfer`: to newLeaderId (a voting member other than
//                        the leader; "Target <id> not in FOLLOWER role" otherwise) or, without
//                        one, the most up-to-date follower; returns once the new leader leads.
//                        Leader only.
//
// Thread-safety: all methods may be called from any thread; TransferLeadership blocks.
#pragma once

#include "common/result.h"
#include "ha/ha_node.h"
#include "om.pb.h"
#include "om/server/om_storage_config.h"

namespace ozone::om {

class OmRingAdmin {
 public:
  // Both must outlive this.
  OmRingAdmin(const OmStorageConfig* storage, ha::HaNode* node) : storage_(storage), node_(node) {}

  OMResponse ServiceList(const OMRequest& request) const;
  // NotLeader (Status) when this node no longer leads; refusals as OMResponses.
  Result<OMResponse> TransferLeadership(const OMRequest& request);

 private:
  const OmStorageConfig* storage_;
  ha::HaNode* node_;
};

}  // namespace ozone::om
