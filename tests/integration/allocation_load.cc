#include "tests/integration/allocation_load.h"

namespace ozone::integration {

namespace {

// Kept for diagnostics; the count goes on past it.
constexpr size_t kMaxErrorsKept = 200;

}  // namespace

AllocationLoad::AllocationLoad(ScmCluster* cluster, AllocationLoadOptions options)
    : cluster_(cluster), options_(std::move(options)) {}

AllocationLoad::~AllocationLoad() { Stop(); }

void AllocationLoad::Start() {
  stop_ = false;
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this, i] { Run(i); });
}

void AllocationLoad::Stop() {
  stop_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void AllocationLoad::Run(int thread) {
  std::unique_ptr<client::ScmClient> client = cluster_->Client(options_.failover);
  if (!client) {
    std::lock_guard<std::mutex> l(mu_);
    errors_.push_back("thread " + std::to_string(thread) + ": no client");
    ++error_count_;
    return;
  }
  const std::string owner = "om-" + std::to_string(thread);
  while (!stop_) {
    auto asked = std::chrono::steady_clock::now();
    Result<std::vector<scm::AllocatedBlock>> r =
        client->AllocateBlocks(options_.block_size, 1, hdds::RATIS, hdds::THREE, owner);
    auto answered = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> l(mu_);
    if (!r.ok()) {
      if (errors_.size() < kMaxErrorsKept) errors_.push_back(r.status().ToString());
      ++error_count_;
      continue;
    }
    for (const scm::AllocatedBlock& b : *r) {
      AllocatedBlockRecord rec;
      rec.container_id = b.containerblockid().containerid();
      rec.local_id = b.containerblockid().localid();
      rec.pipeline_id = b.pipeline().id().id();
      rec.thread = thread;
      rec.asked = asked;
      rec.answered = answered;
      blocks_.push_back(std::move(rec));
    }
  }
}

std::vector<AllocatedBlockRecord> AllocationLoad::blocks() const {
  std::lock_guard<std::mutex> l(mu_);
  return blocks_;
}

size_t AllocationLoad::block_count() const {
  std::lock_guard<std::mutex> l(mu_);
  return blocks_.size();
}

std::optional<AllocatedBlockRecord> AllocationLoad::FirstAskedAfter(
    std::chrono::steady_clock::time_point t) const {
  std::lock_guard<std::mutex> l(mu_);
  std::optional<AllocatedBlockRecord> first;
  for (auto it = blocks_.rbegin(); it != blocks_.rend(); ++it) {
    if (it->asked < t) continue;
    if (!first || it->answered < first->answered) first = *it;
  }
  return first;
}

std::vector<std::string> AllocationLoad::errors() const {
  std::lock_guard<std::mutex> l(mu_);
  return errors_;
}

size_t AllocationLoad::error_count() const {
  std::lock_guard<std::mutex> l(mu_);
  return error_count_;
}

}  // namespace ozone::integration
