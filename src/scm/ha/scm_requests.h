// ScmRequests: how SCM's leader logic submits replicated state changes (scm.proto
// ScmRaftRequest) and reads their outcome: a typed wrapper over ha::Replicator.
//
// Each method encodes one request, submits it (leader only) and decodes the ScmRaftResponse:
//   - Raft-level failures come back as the Status (NotLeader naming the leader, Timeout, Aborted);
//   - a domain failure (CONTAINER_EXISTS, ...) comes back as ScmException-like Status:
//     InvalidArgument/AlreadyExists/NotFound with the ScmResultCode name first in the message,
//     see ScmStatus() below.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "ha/replicator.h"
#include "hdds.pb.h"
#include "scm.pb.h"

namespace ozone::scm {

// "<CODE> <message>" with a Status code close to its meaning (CONTAINER_EXISTS ->
// AlreadyExists, FAILED_TO_FIND_* -> NotFound, SAFE_MODE_EXCEPTION -> FailedPrecondition, ...).
Status ScmStatus(ScmResultCode code, const std::string& message);
// The ScmResultCode a Status carries (from ScmStatus), INTERNAL_ERROR if none, SCM_NOT_LEADER for
// NotLeader, TIMEOUT for Timeout.
ScmResultCode ScmCodeOf(const Status& status);
// Fills an `error` field of a response from a Status.
void ToScmError(const Status& status, ScmError* error);

class ScmRequests {
 public:
  explicit ScmRequests(ha::Replicator* replicator) : replicator_(replicator) {}

  // Submits `request` and returns the response (domain failure included, as `error`).
  Result<ScmRaftResponse> Submit(const ScmRaftRequest& request);
  // Submits and turns a domain failure into a Status.
  Status SubmitOk(const ScmRaftRequest& request);

  Result<bool> AllocateSequenceBatch(const std::string& name, uint64_t expected, uint64_t next);
  Status AddContainer(const hdds::ContainerInfoProto& container);
  Status UpdateContainerState(int64_t container_id, LifeCycleEvent event);
  Status UpdateContainerInfo(const hdds::ContainerInfoProto& container);
  Status RemoveContainer(int64_t container_id);
  Status AddPipeline(const hdds::Pipeline& pipeline);
  Status UpdatePipelineState(const hdds::PipelineID& id, hdds::PipelineState state);
  Status RemovePipeline(const hdds::PipelineID& id);
  Status AddDeletedBlockTransactions(const std::vector<hdds::DeletedBlocksTransaction>& txs);
  Status RemoveDeletedBlockTransactions(const std::vector<int64_t>& tx_ids);
  Status SaveServiceConfiguration(const std::string& service, const std::string& config);
  Status DeleteServiceConfiguration(const std::string& service);

 private:
  ha::Replicator* replicator_;
};

}  // namespace ozone::scm
