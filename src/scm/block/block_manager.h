// BlockManager: allocates blocks for OM (Ozone's BlockManagerImpl.allocateBlock), on the leader:
// an open pipeline of the asked replication (not excluded), an open container on it with room
// for `size` (allocating a new container when none has), and a localId from the sequence id
// generator (batched: allocation is leader-local except at batch boundaries).
// Refused in safe mode (SAFE_MODE_EXCEPTION) and on a non-ready leader (SCM_NOT_LEADER).
//
// Room is Ozone's rule (ContainerStateManagerImpl.findContainerWithSpace): a container takes a
// block of `size` while its usedBytes as reported by the datanodes plus `size` fits in the
// container size. Handing out a block reserves nothing: a block is written later, to any
// length up to the block size, so what a container holds is known from its reports only (and
// an allocation stays leader-local: no replicated entry per block). A container whose reported
// usedBytes leaves no room for one more `block_size` block is full: it is closed
// (ContainerManager::CloseContainer) and takes no more blocks.
//
// The leader keeps a cache of the writable pipelines and open containers of each replication,
// rebuilt when the replicated state moves (ContainerStateManager / PipelineManager versions) or
// the term changes. Blocks go round-robin over pipelines, and over the containers of a pipeline
// owned by `owner`; a pipeline gets a new container (replicated) while it has fewer than
// `containers_per_pipeline` with room, one allocation at a time. The reported usedBytes of the
// container picked is read at each allocation (those of the others come from the cache).
// Errors: INVALID_BLOCK_SIZE (size 0 or above the container size), FAILED_TO_ALLOCATE_CONTAINER
// (no open pipeline of that replication outside the exclude list).
//
// Thread-safety: all methods may be called from any thread, concurrently. One mutex guards the
// cache and is never held across a replicated request.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
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
  // ozone.scm.container.size (a container is full past it). Default: 5 GB.
  uint64_t container_size = uint64_t{5} << 30;
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
  // The same, appending the blocks to `out` (e.g. a response's, on its arena: the pipeline of
  // each block is copied only there). On error `out` may hold some of the blocks.
  Status AllocateBlocks(uint64_t size, uint32_t count, hdds::ReplicationType type,
                        hdds::ReplicationFactor factor, const std::string& owner,
                        const ExcludeList& exclude,
                        google::protobuf::RepeatedPtrField<AllocatedBlock>* out);

 private:
  struct OpenContainer {
    int64_t id = 0;
    std::string owner;
    uint64_t used = 0;  // reported usedBytes, as last read
  };
  struct WritablePipeline {
    std::shared_ptr<const hdds::Pipeline> pipeline;
    std::string key;                   // UUID text
    std::vector<std::string> members;  // datanode uuids
    std::vector<OpenContainer> containers;
    size_t next = 0;  // round-robin over containers
  };
  struct Writable {
    std::vector<WritablePipeline> pipelines;
    size_t next = 0;  // round-robin over pipelines
  };
  // One block: the container it goes to (and its pipeline), or what to do first.
  struct Choice {
    int64_t container_id = 0;
    std::shared_ptr<const hdds::Pipeline> pipeline;
    std::vector<int64_t> close;  // containers found full, to be closed
  };

  // REQUIRES: mu_ held, term >= cache_term_. Drops the cache if the state or the term moved;
  // returns the cache of a replication, building it if needed.
  Writable& CacheLocked(Term term, hdds::ReplicationType type, hdds::ReplicationFactor factor);
  // Whether container `c` has room for `size` now (its reported usedBytes re-read into c.used);
  // a container found full (or no longer open) is put into full_, and a full one still open
  // into `close` (once). REQUIRES: mu_ held.
  bool HasRoomLocked(OpenContainer& c, uint64_t size, std::vector<int64_t>* close);
  // Closes the containers found full (replicated; without mu_ held).
  void CloseFull(const std::vector<int64_t>& ids);
  // One block (may replicate a new container, without mu_ held).
  Result<Choice> Choose(uint64_t size, Term term, hdds::ReplicationType type,
                        hdds::ReplicationFactor factor, const std::string& owner,
                        const ExcludeList& exclude);

  BlockManagerOptions options_;
  ContainerManager* containers_;
  PipelineManager* pipelines_;
  ha::SequenceIdGenerator* ids_;
  const ha::HaContext* context_;
  std::mutex mu_;
  std::condition_variable cv_;                        // a container allocation finished
  Term cache_term_;                                   // guarded by mu_
  uint64_t container_version_ = ~uint64_t{0};         // guarded by mu_
  uint64_t pipeline_version_ = ~uint64_t{0};          // guarded by mu_
  std::map<std::pair<int, int>, Writable> writable_;  // (type, factor); guarded by mu_
  std::set<int64_t> full_;                            // closing requested; guarded by mu_
  std::set<std::string> allocating_;  // pipelines getting a new container; guarded by mu_
};

}  // namespace ozone::scm
