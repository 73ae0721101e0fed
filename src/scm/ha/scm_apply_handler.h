// ScmApplyHandler: SCM's ha::ApplyHandler: decodes each log entry (scm.proto ScmRaftRequest),
// refuses a version it does not know (a fatal error: never skip an entry), dispatches it to the
// replicated state it changes, and encodes the ScmRaftResponse for the proposer. Deterministic.
//
// Thread-safety: as ApplyHandler (one thread applies).
#pragma once

#include "ha/apply_handler.h"
#include "ha/sequence_id_generator.h"
#include "ha/stateful_service.h"
#include "scm/block/deleted_block_log_state.h"
#include "scm/container/container_state_manager.h"
#include "scm/pipeline/pipeline_state_manager.h"

namespace ozone::scm {

// The newest ScmRaftRequest.version this SCM applies.
inline constexpr uint32_t kScmRequestVersion = 1;

class ScmApplyHandler : public ha::ApplyHandler {
 public:
  // Every state object must outlive the handler.
  ScmApplyHandler(ContainerStateManager* containers, PipelineStateManager* pipelines,
                  DeletedBlockLogState* deleted_blocks, ha::SequenceIdState* sequence_ids,
                  ha::ServiceConfigState* service_configs);

  Result<std::string> Apply(std::string_view payload, ha::ApplyContext& ctx) override;
  Status Reload(storage::DBStore& db) override;
  void OnFlushed() override;

 private:
  ContainerStateManager* containers_;
  PipelineStateManager* pipelines_;
  DeletedBlockLogState* deleted_blocks_;
  ha::SequenceIdState* sequence_ids_;
  ha::ServiceConfigState* service_configs_;
};

}  // namespace ozone::scm
