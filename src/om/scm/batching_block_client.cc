#include "om/scm/batching_block_client.h"

#include <optional>
#include <utility>

namespace ozone::om {

struct BatchingScmBlockClient::Waiter {
  uint32_t count = 0;
  bool lead = false;    // told to send the lane's next call
  bool done = false;    // `result` or `direct` is set
  bool direct = false;  // the combined call came back short of this caller's blocks
  std::optional<Result<std::vector<AllocatedBlock>>> result;
};

BatchingScmBlockClient::BatchingScmBlockClient(ScmBlockClient* next,
                                               uint32_t max_blocks_per_call)
    : next_(next), max_blocks_per_call_(max_blocks_per_call == 0 ? 1 : max_blocks_per_call) {}

namespace {
bool Empty(const ExcludeList& e) {
  return e.datanodes_size() == 0 && e.containerids_size() == 0 && e.pipelineids_size() == 0;
}
}  // namespace

Result<std::vector<AllocatedBlock>> BatchingScmBlockClient::AllocateBlocks(
    uint64_t block_size, uint32_t count, const ReplicationConfig& replication,
    const std::string& owner, const ExcludeList& exclude) {
  const bool combinable = count > 0 && count <= max_blocks_per_call_ && Empty(exclude) &&
                          replication.type != hdds::EC;
  std::unique_lock<std::mutex> lock(mu_);
  requested_blocks_ += count;
  if (!combinable) {
    ++calls_;
    lock.unlock();
    return next_->AllocateBlocks(block_size, count, replication, owner, exclude);
  }
  Lane& lane = lanes_[LaneKey{block_size, replication.type, replication.factor, owner}];
  Waiter me;
  me.count = count;
  lane.queue.push_back(&me);
  if (lane.busy) cv_.wait(lock, [&] { return me.done || me.lead; });
  if (!me.done) {  // nobody was sending, or the previous sender handed over: this caller sends
    lane.busy = true;
    Lead(lane, lock, block_size, replication, owner);
  }
  if (me.direct) {
    ++calls_;
    lock.unlock();
    return next_->AllocateBlocks(block_size, count, replication, owner, exclude);
  }
  return std::move(*me.result);
}

void BatchingScmBlockClient::Lead(Lane& lane, std::unique_lock<std::mutex>& lock,
                                  uint64_t block_size, const ReplicationConfig& replication,
                                  const std::string& owner) {
  std::vector<Waiter*> batch;
  uint64_t total = 0;
  // The sender is at the front, and its own count always fits.
  while (!lane.queue.empty() && total + lane.queue.front()->count <= max_blocks_per_call_) {
    total += lane.queue.front()->count;
    batch.push_back(lane.queue.front());
    lane.queue.pop_front();
  }
  ++calls_;
  lock.unlock();
  Result<std::vector<AllocatedBlock>> r = next_->AllocateBlocks(
      block_size, static_cast<uint32_t>(total), replication, owner, ExcludeList());
  lock.lock();
  size_t pos = 0;
  for (Waiter* w : batch) {
    if (!r.ok()) {
      w->result.emplace(r.status());
    } else if (pos + w->count <= r->size()) {
      std::vector<AllocatedBlock> mine(std::make_move_iterator(r->begin() + pos),
                                       std::make_move_iterator(r->begin() + pos + w->count));
      pos += w->count;
      w->result.emplace(std::move(mine));
    } else {
      w->direct = true;
    }
    w->done = true;
  }
  if (!lane.queue.empty()) {
    lane.queue.front()->lead = true;
  } else {
    lane.busy = false;
  }
  cv_.notify_all();
}

uint64_t BatchingScmBlockClient::calls() const {
  std::lock_guard<std::mutex> l(mu_);
  return calls_;
}

uint64_t BatchingScmBlockClient::requested_blocks() const {
  std::lock_guard<std::mutex> l(mu_);
  return requested_blocks_;
}

}  // namespace ozone::om
