#include "ha/sequence_id_generator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "common/thread_name.h"
#include "storage/codec.h"

namespace ozone::ha {

// ------------------------------------------------------------------------------------------------
// SequenceIdState

Status SequenceIdState::Reload(storage::DBStore& db) {
  OZ_ASSIGN_OR_RETURN(storage::RawTable * table, db.Table(table_));
  std::map<std::string, uint64_t> last;
  auto it = table->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Result<uint64_t> id = storage::Uint64Codec::Decode(it->value());
    if (!id.ok()) return id.status().WithContext("sequence id " + std::string(it->key()));
    last[std::string(it->key())] = *id;
  }
  OZ_RETURN_IF_ERROR(it->status());
  std::lock_guard<std::mutex> l(mu_);
  last_ = std::move(last);
  return Status::OK();
}

Result<bool> SequenceIdState::AllocateBatch(storage::DBStore& db, storage::WriteBatch& batch,
                                            const std::string& name, uint64_t expected_last,
                                            uint64_t new_last) {
  OZ_ASSIGN_OR_RETURN(storage::RawTable * table, db.Table(table_));
  std::lock_guard<std::mutex> l(mu_);
  auto it = last_.find(name);
  uint64_t current = it == last_.end() ? 0 : it->second;
  if (current != expected_last || new_last <= expected_last) {
    spdlog::warn("sequence id {}: refused to reserve ({}, {}]: the last reserved id is {}", name,
                 expected_last, new_last, current);
    return false;
  }
  batch.Put(*table, name, storage::Uint64Codec::Encode(new_last));
  last_[name] = new_last;
  return true;
}

uint64_t SequenceIdState::LastId(const std::string& name) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = last_.find(name);
  return it == last_.end() ? 0 : it->second;
}

// ------------------------------------------------------------------------------------------------
// SequenceIdGenerator

SequenceIdGenerator::SequenceIdGenerator(SequenceIdGeneratorOptions options,
                                         const SequenceIdState* state, AllocateFn allocate)
    : options_(std::move(options)), state_(state), allocate_(std::move(allocate)) {}

SequenceIdGenerator::~SequenceIdGenerator() {
  std::thread t;
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
    t = std::move(ahead_thread_);
  }
  cv_.notify_all();
  if (t.joinable()) t.join();
}

uint64_t SequenceIdGenerator::BatchSize(const std::string& type) const {
  auto it = options_.batch_size_by_type.find(type);
  return std::max<uint64_t>(
      1, it == options_.batch_size_by_type.end() ? options_.batch_size : it->second);
}

uint64_t SequenceIdGenerator::InitialLastId(const std::string& type) const {
  auto it = options_.initial_last_id.find(type);
  return it == options_.initial_last_id.end() ? 0 : it->second;
}

std::optional<uint64_t> SequenceIdGenerator::TakeLocked(const std::string& type, Batch& b) {
  if (b.next > b.last && b.ahead_first <= b.ahead_last) {
    b.next = b.ahead_first;
    b.last = b.ahead_last;
    b.ahead_first = 1;
    b.ahead_last = 0;
  }
  if (b.next > b.last) return std::nullopt;
  const uint64_t id = b.next++;
  if (options_.reserve_ahead_left > 0 && BatchSize(type) > 1 && !b.reserving_ahead &&
      b.ahead_first > b.ahead_last && b.last - id <= options_.reserve_ahead_left && !stopping_) {
    b.reserving_ahead = true;
    ahead_queue_.emplace_back(type, epoch_);
    if (!ahead_thread_.joinable()) {
      ahead_thread_ = std::thread([this] {
        NameThisThread("seqid-ahead");
        ReserveAheadLoop();
      });
    }
    cv_.notify_one();
  }
  return id;
}

Result<std::pair<uint64_t, uint64_t>> SequenceIdGenerator::ReserveLocked(const std::string& type) {
  for (int attempt = 0; attempt < std::max(1, options_.max_attempts); ++attempt) {
    uint64_t expected = state_->LastId(type);
    uint64_t first = std::max(expected, InitialLastId(type)) + 1;
    uint64_t last = first - 1 + BatchSize(type);
    OZ_ASSIGN_OR_RETURN(bool reserved, allocate_(type, expected, last));
    if (reserved) return std::make_pair(first, last);
    // Someone else reserved after `expected`: its entry is applied here now; retry after it.
    spdlog::info("sequence id {}: reserving after {} lost a race, retrying", type, expected);
  }
  return Status::Busy("sequence id " + type + ": could not reserve a batch in " +
                      std::to_string(options_.max_attempts) + " attempts");
}

Result<uint64_t> SequenceIdGenerator::GetNextId(const std::string& type) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (auto id = TakeLocked(type, batches_[type])) return *id;
  }
  std::lock_guard<std::mutex> allocating(allocate_mu_);
  uint64_t epoch;
  {
    // Another caller (or the background thread) may have reserved a batch meanwhile.
    std::lock_guard<std::mutex> l(mu_);
    if (auto id = TakeLocked(type, batches_[type])) return *id;
    epoch = epoch_;
  }
  OZ_ASSIGN_OR_RETURN(auto range, ReserveLocked(type));
  std::lock_guard<std::mutex> l(mu_);
  if (epoch_ == epoch) {
    Batch& b = batches_[type];
    b.next = range.first;
    b.last = range.second;
    if (auto id = TakeLocked(type, b)) return *id;
  }  // else invalidated meanwhile: only this id of the batch is used.
  return range.first;
}

void SequenceIdGenerator::ReserveAheadLoop() {
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    cv_.wait(l, [this] { return stopping_ || !ahead_queue_.empty(); });
    if (stopping_) return;
    auto [type, epoch] = ahead_queue_.front();
    ahead_queue_.pop_front();
    l.unlock();
    {
      std::lock_guard<std::mutex> allocating(allocate_mu_);
      std::unique_lock<std::mutex> check(mu_);
      // Still wanted: same leadership, nothing reserved ahead, and the batch in use is not a
      // fresh one a caller reserved meanwhile.
      auto it = batches_.find(type);
      const bool wanted = epoch == epoch_ && it != batches_.end() && !stopping_ &&
                          it->second.ahead_first > it->second.ahead_last &&
                          (it->second.next > it->second.last ||
                           it->second.last - it->second.next < options_.reserve_ahead_left);
      if (wanted) {
        check.unlock();
        Result<std::pair<uint64_t, uint64_t>> range = ReserveLocked(type);
        check.lock();
        if (!range.ok()) {
          spdlog::info("sequence id {}: reserving the next batch ahead failed: {}", type,
                       range.status().ToString());
        } else if (epoch == epoch_) {
          Batch& b = batches_[type];
          if (b.next > b.last) {
            b.next = range->first;
            b.last = range->second;
          } else {
            b.ahead_first = range->first;
            b.ahead_last = range->second;
          }
        }  // else invalidated meanwhile: the batch is abandoned, never used
      }
      if (epoch == epoch_) {
        auto b = batches_.find(type);
        if (b != batches_.end()) b->second.reserving_ahead = false;
      }
    }
    l.lock();
  }
}

void SequenceIdGenerator::InvalidateBatch() {
  std::lock_guard<std::mutex> l(mu_);
  batches_.clear();
  ++epoch_;
}

}  // namespace ozone::ha
