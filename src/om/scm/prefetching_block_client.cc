#include "om/scm/prefetching_block_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "common/thread_name.h"

namespace ozone::om {

namespace {
bool Empty(const ExcludeList& e) {
  return e.datanodes_size() == 0 && e.containerids_size() == 0 && e.pipelineids_size() == 0;
}
}  // namespace

PrefetchingScmBlockClient::PrefetchingScmBlockClient(ScmBlockClient* next,
                                                     BlockPrefetchOptions options,
                                                     const Clock* clock)
    : next_(next), options_(options), clock_(clock) {
  if (options_.background && options_.reserve > 0) {
    thread_ = std::thread([this] {
      NameThisThread("om-prefetch");
      Loop();
    });
  }
}

PrefetchingScmBlockClient::~PrefetchingScmBlockClient() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<std::vector<AllocatedBlock>> PrefetchingScmBlockClient::AllocateBlocks(
    uint64_t block_size, uint32_t count, const ReplicationConfig& replication,
    const std::string& owner, const ExcludeList& exclude) {
  if (!Servable(count, replication, exclude)) {
    return next_->AllocateBlocks(block_size, count, replication, owner, exclude);
  }
  std::vector<AllocatedBlock> out;
  bool wake = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    const Clock::SteadyTime now = clock_->SteadyNow();
    Stock& stock = StockLocked(block_size, replication, owner, now);
    const size_t take = std::min<size_t>(count, stock.blocks.size());
    out.reserve(count);
    for (size_t i = 0; i < take; ++i) {
      out.push_back(std::move(stock.blocks.front().block));
      stock.blocks.pop_front();
    }
    served_ += take;
    if (take < count) GrowLocked(stock);
    wake = MarkDueLocked(stock, now);
  }
  if (wake) cv_.notify_one();  // (only then: a wake-up per open would cost a context switch)
  if (out.size() < count) {
    OZ_ASSIGN_OR_RETURN(
        std::vector<AllocatedBlock> rest,
        next_->AllocateBlocks(block_size, count - static_cast<uint32_t>(out.size()), replication,
                              owner, exclude));
    for (auto& b : rest) out.push_back(std::move(b));
  }
  return out;
}

std::optional<std::vector<AllocatedBlock>> PrefetchingScmBlockClient::AllocateBlocksIfAtHand(
    uint64_t block_size, uint32_t count, const ReplicationConfig& replication,
    const std::string& owner, const ExcludeList& exclude) {
  if (!Servable(count, replication, exclude)) return std::nullopt;
  std::optional<std::vector<AllocatedBlock>> out;
  bool wake = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    const Clock::SteadyTime now = clock_->SteadyNow();
    Stock& stock = StockLocked(block_size, replication, owner, now);
    if (stock.blocks.size() >= count) {
      out.emplace();
      out->reserve(count);
      for (uint32_t i = 0; i < count; ++i) {
        out->push_back(std::move(stock.blocks.front().block));
        stock.blocks.pop_front();
      }
      served_ += count;
    } else {
      GrowLocked(stock);
    }
    wake = MarkDueLocked(stock, now);
  }
  if (wake) cv_.notify_one();  // (only then: a wake-up per open would cost a context switch)
  return out;
}

bool PrefetchingScmBlockClient::Servable(uint32_t count, const ReplicationConfig& replication,
                                         const ExcludeList& exclude) const {
  return options_.reserve > 0 && count > 0 && Empty(exclude) && replication.type != hdds::EC;
}

PrefetchingScmBlockClient::Stock& PrefetchingScmBlockClient::StockLocked(
    uint64_t block_size, const ReplicationConfig& replication, const std::string& owner,
    Clock::SteadyTime now) {
  auto [it, inserted] =
      stocks_.try_emplace(Kind{block_size, replication.type, replication.factor, owner});
  Stock& stock = it->second;
  if (inserted) {
    stock.replication = replication;
    stock.target = options_.reserve;
  }
  DropExpiredLocked(stock, now);
  return stock;
}

void PrefetchingScmBlockClient::DropExpiredLocked(Stock& stock, Clock::SteadyTime now) {
  bool dropped = false;
  while (!stock.blocks.empty() && now - stock.blocks.front().fetched > options_.max_age) {
    stock.blocks.pop_front();
    dropped = true;
  }
  if (dropped) {  // more than the demand: blocks outlived their age
    stock.target = std::max(stock.target / 2, options_.reserve);
    stock.kept = false;
  }
}

void PrefetchingScmBlockClient::GrowLocked(Stock& stock) const {
  if (!stock.kept) return;  // new, or idle until now: not a sign of a larger demand
  stock.target = std::min(stock.target * 2, options_.reserve * kMaxGrowth);
}

bool PrefetchingScmBlockClient::MarkDueLocked(Stock& stock, Clock::SteadyTime now) {
  if (stock.due || stock.refilling) return false;
  if (stock.blocks.size() * 2 > stock.target || now < stock.not_before) return false;
  stock.due = true;
  return true;
}

void PrefetchingScmBlockClient::RunDueRefills() {
  std::unique_lock<std::mutex> l(mu_);
  RefillLocked(l);
}

void PrefetchingScmBlockClient::RefillLocked(std::unique_lock<std::mutex>& lock) {
  for (auto& [kind, stock] : stocks_) {  // (entries are never erased: references stay valid)
    if (!stock.due || stock.refilling) continue;
    stock.due = false;
    if (stock.blocks.size() >= stock.target) continue;
    stock.refilling = true;
    const uint32_t want = stock.target - static_cast<uint32_t>(stock.blocks.size());
    const auto& [block_size, type, factor, owner] = kind;
    const ReplicationConfig replication = stock.replication;
    lock.unlock();
    Result<std::vector<AllocatedBlock>> got =
        next_->AllocateBlocks(block_size, want, replication, owner, ExcludeList());
    lock.lock();
    stock.refilling = false;
    const Clock::SteadyTime now = clock_->SteadyNow();
    if (!got.ok()) {
      stock.not_before = now + options_.retry_after;
      spdlog::warn("om: prefetching {} blocks from SCM failed (callers ask SCM themselves): {}",
                   want, got.status().ToString());
      continue;
    }
    for (auto& b : *got) stock.blocks.push_back(Reserved{std::move(b), now});
    stock.kept = true;
  }
}

void PrefetchingScmBlockClient::Loop() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stopping_) {
    cv_.wait(l, [this] {
      if (stopping_) return true;
      for (const auto& [kind, stock] : stocks_) {
        if (stock.due && !stock.refilling) return true;
      }
      return false;
    });
    if (stopping_) break;
    RefillLocked(l);
  }
}

uint64_t PrefetchingScmBlockClient::served_from_reserve() const {
  std::lock_guard<std::mutex> l(mu_);
  return served_;
}

uint32_t PrefetchingScmBlockClient::target() const {
  std::lock_guard<std::mutex> l(mu_);
  uint32_t most = 0;
  for (const auto& [kind, stock] : stocks_) most = std::max(most, stock.target);
  return most;
}

size_t PrefetchingScmBlockClient::reserved() const {
  std::lock_guard<std::mutex> l(mu_);
  size_t n = 0;
  for (const auto& [kind, stock] : stocks_) n += stock.blocks.size();
  return n;
}

}  // namespace ozone::om
