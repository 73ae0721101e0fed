#include "scm/block/block_manager.h"

#include <spdlog/spdlog.h>

#include "scm/ha/scm_requests.h"
#include "scm/metadata/scm_codecs.h"
#include "scm/node/datanode_details.h"

namespace ozone::scm {

namespace {

// The exclude list as sets (built once per request, only when it is not empty).
struct Exclusions {
  std::set<std::string> datanodes;
  std::set<int64_t> containers;
  std::set<std::string> pipelines;

  explicit Exclusions(const ExcludeList& e) {
    datanodes.insert(e.datanodes().begin(), e.datanodes().end());
    containers.insert(e.containerids().begin(), e.containerids().end());
    for (const auto& p : e.pipelineids()) pipelines.insert(PipelineIdToUuid(p).ToString());
  }
};

}  // namespace

BlockManager::BlockManager(BlockManagerOptions options, ContainerManager* containers,
                           PipelineManager* pipelines, ha::SequenceIdGenerator* ids,
                           const ha::HaContext* context)
    : options_(options),
      containers_(containers),
      pipelines_(pipelines),
      ids_(ids),
      context_(context) {}

Result<std::vector<AllocatedBlock>> BlockManager::AllocateBlocks(uint64_t size, uint32_t count,
                                                                 hdds::ReplicationType type,
                                                                 hdds::ReplicationFactor factor,
                                                                 const std::string& owner,
                                                                 const ExcludeList& exclude) {
  google::protobuf::RepeatedPtrField<AllocatedBlock> out;
  OZ_RETURN_IF_ERROR(AllocateBlocks(size, count, type, factor, owner, exclude, &out));
  return std::vector<AllocatedBlock>(std::make_move_iterator(out.begin()),
                                     std::make_move_iterator(out.end()));
}

Status BlockManager::AllocateBlocks(uint64_t size, uint32_t count, hdds::ReplicationType type,
                                    hdds::ReplicationFactor factor, const std::string& owner,
                                    const ExcludeList& exclude,
                                    google::protobuf::RepeatedPtrField<AllocatedBlock>* out) {
  OZ_ASSIGN_OR_RETURN(Term term, context_->TermOfLeader());
  if (!context_->IsLeaderReady()) {
    return ScmStatus(SCM_NOT_LEADER,
                     "the leader is not ready yet (term " + std::to_string(term.value()) + ")");
  }
  if (context_->IsInSafeMode()) {
    return ScmStatus(SAFE_MODE_EXCEPTION, "SafeModePrecheck failed for allocateBlock");
  }
  if (size == 0 || size > options_.container_size) {
    return ScmStatus(INVALID_BLOCK_SIZE, "Unsupported block size: " + std::to_string(size));
  }
  out->Reserve(out->size() + static_cast<int>(count));
  for (uint32_t i = 0; i < count; ++i) {
    OZ_ASSIGN_OR_RETURN(Choice choice, Choose(size, term, type, factor, owner, exclude));
    CloseFull(choice.close);
    OZ_ASSIGN_OR_RETURN(uint64_t local_id, ids_->GetNextId(ha::kLocalId));
    AllocatedBlock* block = out->Add();
    block->mutable_containerblockid()->set_containerid(choice.container_id);
    block->mutable_containerblockid()->set_localid(static_cast<int64_t>(local_id));
    block->mutable_pipeline()->CopyFrom(*choice.pipeline);
  }
  return Status::OK();
}

void BlockManager::CloseFull(const std::vector<int64_t>& ids) {
  for (int64_t id : ids) {
    Status closed = containers_->CloseContainer(id);
    if (!closed.ok()) spdlog::warn("closing full container #{}: {}", id, closed.ToString());
  }
}

BlockManager::Writable& BlockManager::CacheLocked(Term term, hdds::ReplicationType type,
                                                  hdds::ReplicationFactor factor) {
  // Read the versions before reading the state: a change while building causes another build.
  const uint64_t container_version = containers_->state().version();
  const uint64_t pipeline_version = pipelines_->version();
  if (term != cache_term_) {
    // A new leadership: what earlier terms asked to close is not known here.
    full_.clear();
    writable_.clear();
    cache_term_ = term;
  }
  if (container_version != container_version_ || pipeline_version != pipeline_version_) {
    writable_.clear();
    container_version_ = container_version;
    pipeline_version_ = pipeline_version;
    // Forget the containers that are no longer open (they never take blocks again).
    std::erase_if(full_, [this](int64_t id) {
      std::optional<hdds::ContainerInfoProto> c = containers_->state().Get(id);
      return !c || c->state() != hdds::OPEN;
    });
  }
  auto [it, inserted] = writable_.try_emplace({static_cast<int>(type), static_cast<int>(factor)});
  if (!inserted) return it->second;
  Writable& w = it->second;
  for (hdds::Pipeline& p : pipelines_->OpenPipelines(type, factor)) {
    WritablePipeline wp;
    wp.key = PipelineIdToUuid(p.id()).ToString();
    for (const auto& m : p.members()) wp.members.push_back(DatanodeUuid(m));
    for (const auto& c : containers_->state().OpenContainersOf(p.id())) {
      if (full_.contains(c.containerid())) continue;
      wp.containers.push_back({c.containerid(), c.owner(), c.usedbytes()});
    }
    wp.pipeline = std::make_shared<const hdds::Pipeline>(std::move(p));
    w.pipelines.push_back(std::move(wp));
  }
  return w;
}

bool BlockManager::HasRoomLocked(OpenContainer& c, uint64_t size, std::vector<int64_t>* close) {
  std::optional<hdds::ContainerInfoProto> now = containers_->state().Get(c.id);
  if (!now || now->state() != hdds::OPEN) {
    full_.insert(c.id);  // closed meanwhile by others: forgotten at the next rebuild
    return false;
  }
  c.used = now->usedbytes();
  if (c.used + options_.block_size > options_.container_size) {
    if (full_.insert(c.id).second) close->push_back(c.id);
    return false;
  }
  return c.used + size <= options_.container_size;
}

Result<BlockManager::Choice> BlockManager::Choose(uint64_t size, Term term,
                                                  hdds::ReplicationType type,
                                                  hdds::ReplicationFactor factor,
                                                  const std::string& owner,
                                                  const ExcludeList& exclude) {
  std::optional<Exclusions> excluded;
  if (exclude.datanodes_size() > 0 || exclude.containerids_size() > 0 ||
      exclude.pipelineids_size() > 0) {
    excluded.emplace(exclude);
  }
  const size_t per_pipeline = static_cast<size_t>(std::max(1, options_.containers_per_pipeline));
  std::vector<int64_t> close;  // full containers found on the way
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    if (term < cache_term_) {
      return ScmStatus(SCM_NOT_LEADER, "leadership changed during the allocation (term " +
                                           std::to_string(term.value()) + ")");
    }
    Writable& w = CacheLocked(term, type, factor);
    const size_t n = w.pipelines.size();
    WritablePipeline* grow = nullptr;
    bool wait = false;
    for (size_t k = 0; k < n; ++k) {
      const size_t pi = (w.next + k) % n;
      WritablePipeline& p = w.pipelines[pi];
      if (excluded) {
        if (excluded->pipelines.contains(p.key)) continue;
        bool member_excluded = false;
        for (const auto& m : p.members) member_excluded |= excluded->datanodes.contains(m);
        if (member_excluded) continue;
      }
      const bool growing = allocating_.contains(p.key);
      for (;;) {
        // The containers of `owner` on this pipeline with room for the block (as last read).
        const size_t m = p.containers.size();
        size_t usable = 0;
        std::optional<size_t> pick;
        for (size_t j = 0; j < m; ++j) {
          const size_t ci = (p.next + j) % m;
          OpenContainer& c = p.containers[ci];
          if (c.owner != owner || full_.contains(c.id)) continue;
          if (excluded && excluded->containers.contains(c.id)) continue;
          // Reported full when last read: make sure (it is closed if so).
          if (c.used + options_.block_size > options_.container_size &&
              !HasRoomLocked(c, size, &close)) {
            continue;
          }
          if (c.used + size > options_.container_size) continue;
          ++usable;
          if (!pick) pick = ci;
        }
        if (usable < per_pipeline && !growing) {
          grow = &p;
          break;
        }
        if (!pick) break;
        if (HasRoomLocked(p.containers[*pick], size, &close)) {
          p.next = *pick + 1;
          w.next = pi + 1;
          return Choice{p.containers[*pick].id, p.pipeline, close};
        }
        // Full or closed by now: it no longer counts; look again.
      }
      if (grow != nullptr) break;
      wait = wait || growing;
    }
    if (grow != nullptr) {
      // A new container for this pipeline, replicated without holding the lock; others use the
      // containers there are meanwhile, or wait for this one.
      const std::string key = grow->key;
      std::shared_ptr<const hdds::Pipeline> pipeline = grow->pipeline;
      allocating_.insert(key);
      l.unlock();
      Result<hdds::ContainerInfoProto> created = containers_->AllocateContainer(*pipeline, owner);
      l.lock();
      allocating_.erase(key);
      cv_.notify_all();
      if (!created.ok()) {
        return created.status().IsNotLeader()
                   ? created.status()
                   : ScmStatus(FAILED_TO_ALLOCATE_CONTAINER,
                               "Cannot allocate a container on pipeline " + key + ": " +
                                   created.status().ToString());
      }
      if (cache_term_ != term) continue;  // a new leadership meanwhile: refused above
      // Others may have seen, filled and closed the new container since it was applied (and
      // forgotten it once closed).
      OpenContainer c{created->containerid(), owner, 0};
      if (full_.contains(c.id) || !HasRoomLocked(c, size, &close)) continue;
      return Choice{c.id, pipeline, close};
    }
    if (wait) {
      cv_.wait(l);
      continue;
    }
    l.unlock();
    CloseFull(close);  // even though nothing could be allocated
    return ScmStatus(FAILED_TO_ALLOCATE_CONTAINER,
                     "No open " + hdds::ReplicationType_Name(type) + "/" +
                         hdds::ReplicationFactor_Name(factor) + " pipeline" +
                         (excluded ? " outside the exclude list" : "") + " can take a block of " +
                         std::to_string(size) + " bytes");
  }
}

}  // namespace ozone::scm
