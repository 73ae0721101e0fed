#include "om/ha/retry_cache.h"

#include <algorithm>

#include "om/metadata/om_db_definition.h"
#include "om/metadata/om_db_keys.h"

namespace ozone::om {

namespace {

// The row of a record: RetryCacheEntry with its response field (5) written from the bytes
// already serialized, without parsing or copying a message (the wire form of an embedded message
// is its serialized bytes, length-prefixed).
std::string EncodeRow(const std::string& client_id, uint64_t call_id, uint64_t leader_time,
                      uint64_t index, uint64_t cache_time, const std::string& response) {
  RetryCacheEntry header;
  header.set_clientid(client_id);
  header.set_callid(call_id);
  header.set_leadertimemillis(leader_time);
  header.set_transactionindex(index);
  header.set_cacheleadertimemillis(cache_time);
  std::string row = header.SerializePartialAsString();  // the response follows
  row.reserve(row.size() + 11 + response.size());
  row.push_back(static_cast<char>((5 << 3) | 2));  // field 5, length-delimited
  for (uint64_t n = response.size(); ; n >>= 7) {
    if (n < 0x80) {
      row.push_back(static_cast<char>(n));
      break;
    }
    row.push_back(static_cast<char>((n & 0x7f) | 0x80));
  }
  row.append(response);
  return row;
}

}  // namespace

size_t RetryCache::CallKeyHash::operator()(const CallKeyView& k) const {
  // Local to this process (iteration order is never used): std::hash will do.
  const size_t h = std::hash<std::string_view>{}(k.client_id);
  return h ^ (std::hash<uint64_t>{}(k.call_id) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

RetryCache::RetryCache(std::chrono::milliseconds expiry, uint64_t max_entries)
    : expiry_millis_(static_cast<uint64_t>(expiry.count())),
      max_entries_(max_entries == 0 ? 1 : max_entries),
      chunk_(std::clamp<uint64_t>(max_entries_ / 16, 1, kEvictChunk)) {}

ozone::Status RetryCache::Reload(storage::DBStore& db) {
  std::lock_guard<std::mutex> l(mu_);
  entries_.clear();
  order_.clear();
  next_seq_ = 0;
  latest_time_ = 0;
  dead_prefix_ = 0;
  table_ = nullptr;
  OZ_ASSIGN_OR_RETURN(storage::RawTable * table, db.Table(kRetryCacheTable.name));
  struct Row {
    RetryCacheEntry entry;
    bool legacy = false;
  };
  std::vector<Row> rows;
  auto it = table->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Row row;
    if (!row.entry.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return ozone::Status::Corruption("retryCacheTable: a row does not parse");
    }
    row.legacy = !IsRetryCacheRowKey(it->key());
    rows.push_back(std::move(row));
  }
  OZ_RETURN_IF_ERROR(it->status());
  // Recorded in index order; rows of the earlier form sort elsewhere.
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.entry.transactionindex() < b.entry.transactionindex();
  });
  for (Row& row : rows) {
    RetryCacheEntry& e = row.entry;
    Held held{e.leadertimemillis(), e.transactionindex(), 0, e.response().SerializeAsString()};
    AddLocked(CallKey{e.clientid(), e.callid()}, std::move(held), row.legacy);
    latest_time_ = std::max(latest_time_, e.cacheleadertimemillis());
  }
  table_ = table;
  return ozone::Status::OK();
}

void RetryCache::Unbind() {
  std::lock_guard<std::mutex> l(mu_);
  table_ = nullptr;
  entries_.clear();
  order_.clear();
  next_seq_ = 0;
  latest_time_ = 0;
  dead_prefix_ = 0;
}

bool RetryCache::AnswersLocked(const Held& h) const {
  return h.leader_time + expiry_millis_ >= latest_time_ && next_seq_ - h.seq <= max_entries_;
}

const RetryCache::Held* RetryCache::FindLocked(std::string_view client_id, uint64_t call_id) const {
  auto it = entries_.find(CallKeyView{client_id, call_id});
  if (it == entries_.end() || !AnswersLocked(it->second)) return nullptr;
  return &it->second;
}

std::optional<OMResponse> RetryCache::Lookup(const std::string& client_id,
                                             uint64_t call_id) const {
  std::lock_guard<std::mutex> l(mu_);
  const Held* h = FindLocked(client_id, call_id);
  if (h == nullptr) return std::nullopt;
  OMResponse response;
  if (!response.ParseFromString(h->response)) return std::nullopt;  // Apply serialized it
  return response;
}

std::optional<std::string> RetryCache::LookupSerialized(const std::string& client_id,
                                                        uint64_t call_id) const {
  std::lock_guard<std::mutex> l(mu_);
  const Held* h = FindLocked(client_id, call_id);
  if (h == nullptr) return std::nullopt;
  return h->response;
}

void RetryCache::AddLocked(CallKey key, Held held, bool legacy) {
  held.seq = next_seq_++;
  latest_time_ = std::max(latest_time_, held.leader_time);
  uint64_t seq = held.seq;
  uint64_t index = held.index;
  // A key recorded again (its earlier record stopped answering): the new record replaces it in
  // the same node; the old one's place in order_ is skipped when it comes up (its seq no longer
  // matches). A node goes only with its newest record, the last of order_ to point at it.
  auto [it, inserted] = entries_.insert_or_assign(std::move(key), std::move(held));
  order_.push_back(Recorded{seq, index, legacy, &*it});
}

void RetryCache::Record(storage::WriteBatch& batch, const std::string& client_id,
                        uint64_t call_id, uint64_t leader_time_millis, uint64_t index,
                        const std::string& response) {
  storage::RawTable* table = nullptr;
  uint64_t cache_time = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    AddLocked(CallKey{client_id, call_id}, Held{leader_time_millis, index, 0, response},
              /*legacy=*/false);
    table = table_;
    cache_time = latest_time_;
    EvictLocked(&batch);
  }
  // The row is built outside the lock, which lookups before proposing share. Record, Reload and
  // Unbind run one at a time on the apply side: `table` stays valid.
  if (table != nullptr) {
    batch.Put(*table, RetryCacheRowKey(index),
              EncodeRow(client_id, call_id, leader_time_millis, index, cache_time, response));
  }
}

bool RetryCache::LiveLocked(const Recorded& r) const { return r.node->second.seq == r.seq; }

void RetryCache::EvictLocked(storage::WriteBatch* batch) {
  // The leading records that no longer answer (a record replaced by a newer one counts too). One
  // that stops answering never answers again (the bounds only move forward), so the count only
  // grows until the chunk goes. The newest record stays, whatever its bounds: its row carries the
  // cache's leader time.
  while (dead_prefix_ + 1 < order_.size()) {
    const Recorded& r = order_[dead_prefix_];
    if (LiveLocked(r) && AnswersLocked(r.node->second)) break;
    ++dead_prefix_;
  }
  if (dead_prefix_ < chunk_) return;
  for (; dead_prefix_ > 0; --dead_prefix_) {
    Recorded r = order_.front();
    order_.pop_front();
    // A row of the earlier form is keyed by the call (RetryCacheDbKey), outside the range below.
    if (r.legacy && table_ != nullptr) {
      batch->Delete(*table_, RetryCacheDbKey(r.node->first.client_id, r.node->first.call_id));
    }
    if (LiveLocked(r)) {
      entries_.erase(entries_.find(CallKeyView{r.node->first.client_id, r.node->first.call_id}));
    }
  }
  // Every row below the oldest record still in order_ (replaced ones included: their rows stay
  // until they come up) goes in one range: a reload rebuilds the same order.
  if (table_ != nullptr) {
    uint64_t keep_from = UINT64_MAX;
    for (const Recorded& r : order_) {
      if (!r.legacy) {
        keep_from = r.index;
        break;
      }
    }
    batch->DeleteRange(*table_, RetryCacheRowKey(0), RetryCacheRowKey(keep_from));
  }
}

size_t RetryCache::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return entries_.size();
}

}  // namespace ozone::om
