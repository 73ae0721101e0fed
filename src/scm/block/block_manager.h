// BlockManager: allocates blocks for OM (Ozone's BlockManagerImpl.allocateBlock), on the leader:
// an open pipeline of the asked replication (not excluded), an open container on it with room
// for `size` (allocating a new container when none has), and a localId from the sequence id
// generator (batched: allocation is leader-local except at batch boundaries).
// Refused in safe mode (SAFE_MODE_EXCEPTION) and on a non-ready leader (SCM_NOT_LEADER).
//
// Thread-safety: all methods may be called from any thread, concurrently.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "ha/ha_context.h"
#include "ha/sequence_id_generator.h"
#include "scm.pb.h"
#include "scm/container/container_manager.h"
#include "scm/pipeline/pipeline_manager.h"

namespace ozone::scm {

struct BlockManagerOptions {
  // ozone.scm.block.size. Default: 256 MB.
  uint64_t block_size = uint64_t{256} << 20;
  // Containers kept open per pipeline (ozone.scm.pipeline.owner.container.count). Default: 3.
  int containers_per_pipeline = 3;
};

class BlockManager {
 public:
  BlockManager(BlockManagerOptions options, ContainerManager* containers,
               PipelineManager* pipelines, ha::SequenceIdGenerator* ids,
               const ha::HaContext* context);

  Result<std::vector<AllocatedBlock>> AllocateBlocks(uint64_t size, uint32_t count,
                                                     hdds::ReplicationType type,
                                                     hdds::ReplicationFactor factor,
                                                     const std::string& owner,
                                                     const ExcludeList& exclude);

 private:
  BlockManagerOptions options_;
  ContainerManager* containers_;
  PipelineManager* pipelines_;
  ha::SequenceIdGenerator* ids_;
  const ha::HaContext* context_;
};

}  // namespace ozone::scm
