// RetryCache: the responses of applied writes by (clientId, callId), so that a client's retry of
// a write that already applied (its answer was lost in a failover) gets the original response
// instead of applying twice (Ozone relies on Ratis' retry cache; here it is replicated state).
//
// It is deterministic state of every replica: Record runs in Apply, and expiry goes by the
// leader time stamped in each log entry (OMLogEntry.leaderTimeMillis), never by a local clock: an
// entry evicts the records older than its leader time minus the expiry, and the oldest beyond
// max_entries. Records are also rows of retryCacheTable (written in the entry's batch), so the
// cache survives restarts and snapshot installs, not only failovers.
//
// Thread-safety: Lookup from any thread; Record, Reload and Unbind from the apply side.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "common/result.h"
#include "om.pb.h"
#include "storage/db_store.h"
#include "storage/write_batch.h"

namespace ozone::om {

class RetryCache {
 public:
  RetryCache(std::chrono::milliseconds expiry, uint64_t max_entries);

  // Loads the records of `db` (retryCacheTable).
  ozone::Status Reload(storage::DBStore& db);
  void Unbind();

  // The response recorded for (client_id, call_id), if any.
  std::optional<OMResponse> Lookup(const std::string& client_id, uint64_t call_id) const;

  // Apply side: evicts what the entry at `index` with `leader_time_millis` expires, then
  // records `response` (rows into `batch`).
  void Record(storage::WriteBatch& batch, const std::string& client_id, uint64_t call_id,
              uint64_t leader_time_millis, uint64_t index, const OMResponse& response);

  size_t size() const;

 private:
  using Order = std::tuple<uint64_t, uint64_t, std::string>;  // (leader time, index, row key)
  void EvictLocked(storage::WriteBatch& batch, uint64_t now_millis);  // REQUIRES: mu_

  const uint64_t expiry_millis_;
  const uint64_t max_entries_;
  mutable std::mutex mu_;
  storage::RawTable* table_ = nullptr;               // guarded by mu_
  std::map<std::string, RetryCacheEntry> entries_;   // guarded by mu_: by row key
  std::set<Order> order_;                            // guarded by mu_: oldest first
};

}  // namespace ozone::om
