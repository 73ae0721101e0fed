#include "ha/sequence_id_generator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

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

uint64_t SequenceIdGenerator::BatchSize(const std::string& type) const {
  auto it = options_.batch_size_by_type.find(type);
  return std::max<uint64_t>(
      1, it == options_.batch_size_by_type.end() ? options_.batch_size : it->second);
}

uint64_t SequenceIdGenerator::InitialLastId(const std::string& type) const {
  auto it = options_.initial_last_id.find(type);
  return it == options_.initial_last_id.end() ? 0 : it->second;
}

Result<uint64_t> SequenceIdGenerator::GetNextId(const std::string& type) {
  auto take = [&]() -> std::optional<uint64_t> {
    Batch& b = batches_[type];
    if (b.next > b.last) return std::nullopt;
    return b.next++;
  };
  {
    std::lock_guard<std::mutex> l(mu_);
    if (auto id = take()) return *id;
  }
  std::lock_guard<std::mutex> allocating(allocate_mu_);
  uint64_t epoch;
  {
    // Another caller may have reserved a batch meanwhile.
    std::lock_guard<std::mutex> l(mu_);
    if (auto id = take()) return *id;
    epoch = epoch_;
  }
  for (int attempt = 0; attempt < std::max(1, options_.max_attempts); ++attempt) {
    uint64_t expected = state_->LastId(type);
    uint64_t first = std::max(expected, InitialLastId(type)) + 1;
    uint64_t last = first - 1 + BatchSize(type);
    OZ_ASSIGN_OR_RETURN(bool reserved, allocate_(type, expected, last));
    if (!reserved) {
      // Someone else reserved after `expected`: its entry is applied here now; retry after it.
      spdlog::info("sequence id {}: reserving after {} lost a race, retrying", type, expected);
      continue;
    }
    std::lock_guard<std::mutex> l(mu_);
    if (epoch_ == epoch) {
      batches_[type] = Batch{first + 1, last};
    }  // else invalidated meanwhile: only this id of the batch is used.
    return first;
  }
  return Status::Busy("sequence id " + type + ": could not reserve a batch in " +
                      std::to_string(options_.max_attempts) + " attempts");
}

void SequenceIdGenerator::InvalidateBatch() {
  std::lock_guard<std::mutex> l(mu_);
  batches_.clear();
  ++epoch_;
}

}  // namespace ozone::ha
