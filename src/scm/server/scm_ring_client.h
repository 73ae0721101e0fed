// ScmRingClient: what one SCM asks the other SCMs of its ring, over their block location
// protocol (Ozone's HAUtils.getScmInfo / addSCM through the SCM block failover proxy): the ring's
// identity and roles (GetScmInfo, answered by the leader) and "add me" (AddScm, leader only).
// Calls find the leader (rpc::FailoverClient) and keep trying until `wait` has passed.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "common/result.h"
#include "common/topology/ha_nodes.h"
#include "rpc/failover_client.h"
#include "scm.pb.h"

namespace ozone::scm {

class ScmRingClient {
 public:
  // `peers`: the SCMs to ask (not this one). REQUIRES: !peers.empty().
  ScmRingClient(const std::vector<topology::ScmNodeDetails>& peers,
                std::chrono::milliseconds retry_interval = std::chrono::milliseconds(500));

  // GetScmInfo of the leader; Unavailable naming the SCMs tried if none answered within `wait`.
  Result<GetScmInfoResponse> GetScmInfo(std::chrono::milliseconds wait);
  // AddScm on the leader; the domain failure (CLUSTER_ID_MISMATCH, FAILED_TO_ADD_SCM) as a
  // Status, Unavailable as above.
  Status AddScm(const AddScmRequest& request, std::chrono::milliseconds wait);

 private:
  template <typename Response>
  Result<Response> CallUntil(const char* method, const google::protobuf::Message& request,
                             std::chrono::milliseconds wait);

  std::string names_;  // "scm2 (host:9863), ..." for messages
  std::chrono::milliseconds retry_interval_;
  std::unique_ptr<rpc::FailoverClient> client_;
};

}  // namespace ozone::scm
