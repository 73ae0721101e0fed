#include "om/testing/fake_scm_client.h"

namespace ozone::om::testing {

Result<std::vector<AllocatedBlock>> FakeScmClient::AllocateBlocks(
    uint64_t block_size, uint32_t count, const ReplicationConfig& replication,
    const std::string& owner, const ExcludeList& exclude) {
  (void)block_size;
  (void)owner;
  (void)exclude;
  std::lock_guard<std::mutex> l(mu_);
  if (safe_mode_) {
    return ozone::Status::FailedPrecondition("SAFE_MODE_EXCEPTION SafeModePrecheck failed for "
                                             "allocateBlock");
  }
  std::vector<AllocatedBlock> out;
  for (uint32_t i = 0; i < count; ++i) {
    AllocatedBlock b;
    b.block_id.set_containerid(1);
    b.block_id.set_localid(static_cast<int64_t>(next_local_id_++));
    b.pipeline.mutable_id()->set_id("pipeline-1");
    b.pipeline.set_type(replication.type);
    b.pipeline.set_factor(replication.factor);
    out.push_back(std::move(b));
  }
  return out;
}

Result<std::vector<std::string>> FakeScmClient::DeleteKeyBlocks(
    const std::vector<KeyBlockGroup>& groups) {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> taken;
  for (const auto& g : groups) {
    if (refused_.count(g.key)) continue;
    deleted_.push_back(g);
    taken.push_back(g.key);
  }
  return taken;
}

void FakeScmClient::SetSafeMode(bool on) {
  std::lock_guard<std::mutex> l(mu_);
  safe_mode_ = on;
}

void FakeScmClient::RefuseDeletes(std::set<std::string> keys) {
  std::lock_guard<std::mutex> l(mu_);
  refused_ = std::move(keys);
}

uint64_t FakeScmClient::allocated() const {
  std::lock_guard<std::mutex> l(mu_);
  return next_local_id_ - 1;
}

std::vector<KeyBlockGroup> FakeScmClient::deleted() const {
  std::lock_guard<std::mutex> l(mu_);
  return deleted_;
}

}  // namespace ozone::om::testing
