// RetryCache: the responses of applied writes by (clientId, callId), so that a client's retry of
// a write that already applied (its answer was lost in a failover) gets the original response
// instead of applying twice (Ozone relies on Ratis' retry cache; here it is replicated state).
//
// It is deterministic state of every replica: Record runs in Apply, and expiry goes by the
// leader time stamped in each log entry (OMLogEntry.leaderTimeMillis), never by a local clock. A
// record answers while both hold:
//   - its leader time + expiry >= the leader time of the last recorded write;
//   - fewer than max_entries writes were recorded after it.
// Records are also rows of retryCacheTable (written in the entry's batch), so the cache survives
// restarts and snapshot installs, not only failovers.
//
// Cost per write (it is on every replica's apply path): the response is serialized once (the
// same bytes are Apply's answer and the row's response), kept serialized in memory, and its row
// is keyed by the log index ("#" + 16 hex digits), so rows are appended at the end of the table.
// Records that no longer answer are dropped in chunks (kEvictChunk, or fewer when the bounds are
// smaller), with one range deletion of the rows below the oldest kept index, rather than one
// deletion per write. Rows of the earlier format ("<clientId>#<callId>") are read by Reload and
// deleted one by one when they go.
//
// Thread-safety: Lookup from any thread; Record, Reload and Unbind from the apply side.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "om.pb.h"
#include "storage/db_store.h"
#include "storage/write_batch.h"

namespace ozone::om {

class RetryCache {
 public:
  // Records that stopped answering are dropped once this many have accumulated.
  static constexpr uint64_t kEvictChunk = 1024;

  RetryCache(std::chrono::milliseconds expiry, uint64_t max_entries);

  // Loads the records of `db` (retryCacheTable).
  ozone::Status Reload(storage::DBStore& db);
  void Unbind();

  // The response recorded for (client_id, call_id), if it still answers.
  std::optional<OMResponse> Lookup(const std::string& client_id, uint64_t call_id) const;
  // The same, serialized as it was recorded.
  std::optional<std::string> LookupSerialized(const std::string& client_id,
                                              uint64_t call_id) const;

  // Apply side: records `response` (a serialized OMResponse) of the write at `index` stamped
  // `leader_time_millis` (its row into `batch`), then drops what stopped answering if a chunk of
  // it has accumulated (rows deleted in `batch`).
  void Record(storage::WriteBatch& batch, const std::string& client_id, uint64_t call_id,
              uint64_t leader_time_millis, uint64_t index, const std::string& response);

  // Records held in memory (answering or not yet dropped).
  size_t size() const;

 private:
  struct Held {
    uint64_t leader_time = 0;
    uint64_t index = 0;
    uint64_t seq = 0;      // how many records came before it
    std::string response;  // serialized OMResponse
  };
  // A record's identity, and a view of one to look it up without building a key.
  struct CallKey {
    std::string client_id;
    uint64_t call_id = 0;
  };
  struct CallKeyView {
    std::string_view client_id;
    uint64_t call_id = 0;
  };
  struct CallKeyHash {
    using is_transparent = void;
    size_t operator()(const CallKeyView& k) const;
    size_t operator()(const CallKey& k) const {
      return (*this)(CallKeyView{k.client_id, k.call_id});
    }
  };
  struct CallKeyEq {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return a.call_id == b.call_id &&
             std::string_view(a.client_id) == std::string_view(b.client_id);
    }
  };
  using Map = std::unordered_map<CallKey, Held, CallKeyHash, CallKeyEq>;
  // The records in the order they were recorded (seq order). `node` is the map's element:
  // pointers to elements survive a rehash, iterators do not.
  struct Recorded {
    uint64_t seq;
    uint64_t index;
    bool legacy;  // its row is of the earlier form, keyed "<clientId>#<callId>"
    Map::value_type* node;
  };

  bool AnswersLocked(const Held& h) const;                   // REQUIRES: mu_
  bool LiveLocked(const Recorded& r) const;                  // REQUIRES: mu_: not replaced
  void AddLocked(CallKey key, Held held, bool legacy);       // REQUIRES: mu_
  void EvictLocked(storage::WriteBatch* batch);              // REQUIRES: mu_
  const Held* FindLocked(std::string_view client_id, uint64_t call_id) const;

  const uint64_t expiry_millis_;
  const uint64_t max_entries_;
  const uint64_t chunk_;
  mutable std::mutex mu_;
  storage::RawTable* table_ = nullptr;              // guarded by mu_
  Map entries_;                                     // guarded by mu_
  std::deque<Recorded> order_;                      // guarded by mu_: oldest first
  uint64_t next_seq_ = 0;                           // guarded by mu_
  uint64_t latest_time_ = 0;                        // guarded by mu_: see cacheLeaderTime
  size_t dead_prefix_ = 0;                          // guarded by mu_: leading order_ entries
                                                    // known to answer no more
};

}  // namespace ozone::om
