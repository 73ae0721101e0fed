// What the `ozone admin om ...` commands share: the -id option, the OMs of the service the user
// means (Ozone's OmUtils rules), and OmAdminClient, which sends OMRequests to the leader over
// OzoneManagerService.Submit with rpc::FailoverClient (NotLeader hints followed, a leader not
// ready retried; at most 20 failovers, 1 s apart, as ozone.om.admin.protocol.max.retries).
//
// Thread-safety: OmAdminClient is used by one command at a time.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "common/config/configuration.h"
#include "common/result.h"
#include "common/topology/ha_nodes.h"
#include "om.pb.h"
#include "rpc/failover_client.h"
#include "tools/cli/command.h"

namespace ozone::tools::admin {

struct OmArgs {
  std::string service_id;
};

// --service-id / --om-service-id.
void AddOmOptions(CLI::App* app, OmArgs* args);

// The OMs of `service_id`, or of the only configured service when it is empty.
Result<std::vector<topology::OmNodeDetails>> OmNodesOf(const config::Configuration& conf,
                                                       const std::string& service_id);

class OmAdminClient {
 public:
  static Result<std::unique_ptr<OmAdminClient>> Create(CommandContext& ctx, const OmArgs& args);

  // The OMs of the service, in endpoint order (SubmitTo's index).
  const std::vector<topology::OmNodeDetails>& nodes() const { return nodes_; }

  // A unary call of another OM service to the leader.
  Status Call(const google::protobuf::MethodDescriptor* method,
              const google::protobuf::Message& request, google::protobuf::Message* response);
  // The answer, whatever its status.
  Result<om::OMResponse> Answer(om::OMRequest request);
  // The answer if OK, else its status as an error ("<CODE> <message>").
  Result<om::OMResponse> Submit(om::OMRequest request);
  // One OM, no failover (each OM answers PrepareStatus for itself).
  Result<om::OMResponse> SubmitTo(size_t index, om::OMRequest request);

 private:
  OmAdminClient() = default;
  std::unique_ptr<rpc::FailoverClient> client_;
  std::vector<topology::OmNodeDetails> nodes_;
};

}  // namespace ozone::tools::admin
