#include "om/ha/retry_cache.h"

#include "om/metadata/om_db_definition.h"
#include "om/metadata/om_db_keys.h"

namespace ozone::om {

RetryCache::RetryCache(std::chrono::milliseconds expiry, uint64_t max_entries)
    : expiry_millis_(static_cast<uint64_t>(expiry.count())),
      max_entries_(max_entries == 0 ? 1 : max_entries) {}

ozone::Status RetryCache::Reload(storage::DBStore& db) {
  std::lock_guard<std::mutex> l(mu_);
  entries_.clear();
  order_.clear();
  table_ = nullptr;
  OZ_ASSIGN_OR_RETURN(storage::RawTable * table, db.Table(kRetryCacheTable.name));
  auto it = table->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    RetryCacheEntry e;
    if (!e.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return ozone::Status::Corruption("retryCacheTable: a row does not parse");
    }
    std::string key(it->key());
    order_.emplace(e.leadertimemillis(), e.transactionindex(), key);
    entries_.emplace(std::move(key), std::move(e));
  }
  OZ_RETURN_IF_ERROR(it->status());
  table_ = table;
  return ozone::Status::OK();
}

void RetryCache::Unbind() {
  std::lock_guard<std::mutex> l(mu_);
  table_ = nullptr;
  entries_.clear();
  order_.clear();
}

std::optional<OMResponse> RetryCache::Lookup(const std::string& client_id,
                                             uint64_t call_id) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = entries_.find(RetryCacheDbKey(client_id, call_id));
  if (it == entries_.end()) return std::nullopt;
  return it->second.response();
}

void RetryCache::EvictLocked(storage::WriteBatch& batch, uint64_t now_millis) {
  while (!order_.empty()) {
    const auto& [time, index, key] = *order_.begin();
    bool expired = time + expiry_millis_ < now_millis;
    bool over = order_.size() >= max_entries_;
    if (!expired && !over) break;
    if (table_ != nullptr) batch.Delete(*table_, key);
    entries_.erase(key);
    order_.erase(order_.begin());
  }
}

void RetryCache::Record(storage::WriteBatch& batch, const std::string& client_id,
                        uint64_t call_id, uint64_t leader_time_millis, uint64_t index,
                        const OMResponse& response) {
  std::lock_guard<std::mutex> l(mu_);
  EvictLocked(batch, leader_time_millis);
  std::string key = RetryCacheDbKey(client_id, call_id);
  if (auto old = entries_.find(key); old != entries_.end()) {
    order_.erase(Order(old->second.leadertimemillis(), old->second.transactionindex(), key));
    entries_.erase(old);
  }
  RetryCacheEntry e;
  e.set_clientid(client_id);
  e.set_callid(call_id);
  e.set_leadertimemillis(leader_time_millis);
  e.set_transactionindex(index);
  *e.mutable_response() = response;
  if (table_ != nullptr) batch.Put(*table_, key, e.SerializeAsString());
  order_.emplace(leader_time_millis, index, key);
  entries_.emplace(std::move(key), std::move(e));
}

size_t RetryCache::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return entries_.size();
}

}  // namespace ozone::om
