// SequenceIdGenerator: unique ids (block localId, deleted-block delTxnId, containerId, certificate
// serials) handed out by the leader from batches reserved through the log (Ozone's
// SequenceIdGenerator, HDDS SCM HA design "Distributed Sequence ID Generator"):
//   GetNextId(type) returns the next id of the current batch; when the batch is used up it
//   replicates a compare-and-set "allocate [last+1, last+batch]" and continues from it. With
//   reserve_ahead_left, the next batch is reserved the same way by a background thread of the
//   generator once the current one runs low, so that callers rarely wait for the log; an id is
//   still only handed out from a batch whose reservation was applied. Ids are
//   never handed out twice, across failovers and restarts: a new leader invalidates its batch
//   (InvalidateBatch on becoming leader) and reserves a fresh one after whatever any earlier
//   leader reserved; ids of an abandoned batch are skipped, never reused.
//
// The replicated part is SequenceIdState (apply side): the last reserved id per type, kept in the
// `sequenceId` table (name -> last id) and in memory.
//
// Thread-safety: all methods may be called from any thread, except that GetNextId must never be
// called from the apply strand (an ApplyHandler, a Raft event listener, an OnBecameLeader
// callback): it waits for its own entry to be applied, so it would wait for itself until the
// request timeout. InvalidateBatch never waits for a reservation in flight, so it may be called
// from there.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "common/result.h"
#include "storage/db_store.h"
#include "storage/write_batch.h"

namespace ozone::ha {

// Ozone's SequenceIdType names (the keys of the sequenceId table).
inline constexpr char kLocalId[] = "localId";
inline constexpr char kDelTxnId[] = "delTxnId";
inline constexpr char kContainerId[] = "containerId";
inline constexpr char kCertificateId[] = "CertificateId";

// Apply side: deterministic CAS on the last reserved id.
class SequenceIdState {
 public:
  // `table` is the sequenceId column family (String -> Long).
  explicit SequenceIdState(std::string table) : table_(std::move(table)) {}
  // Loads every last id from the database (startup, after a snapshot install).
  Status Reload(storage::DBStore& db);
  // Reserves [expected_last+1, new_last] if the last id of `name` is still `expected_last`
  // (writes the new last id into `batch`). Returns whether it did (false too when new_last <=
  // expected_last). Deterministic; called by the domain's ApplyHandler.
  Result<bool> AllocateBatch(storage::DBStore& db, storage::WriteBatch& batch,
                             const std::string& name, uint64_t expected_last, uint64_t new_last);
  // The last reserved id of `name` as applied here (0 if none was).
  uint64_t LastId(const std::string& name) const;

 private:
  std::string table_;
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> last_;  // guarded by mu_
};

struct SequenceIdGeneratorOptions {
  // Ids reserved per batch (ozone.scm.sequence.id.batch.size). Default: 1000.
  uint64_t batch_size = 1000;
  // Types with a batch size of their own (Ozone: CertificateId reserves one at a time).
  std::map<std::string, uint64_t> batch_size_by_type{{kCertificateId, 1}};
  // By type, the last id to assume while none was reserved: the first id handed out is this + 1
  // (Ozone starts localId at a time-based value). Absent: 0 (ids start at 1).
  std::map<std::string, uint64_t> initial_last_id;
  // When a batch has this many ids left or fewer, the next batch is reserved in the background
  // (one at a time, per type), to be used when the current one runs out. 0: a batch is reserved
  // only when the current one is used up, by the caller that needs it (Ozone's behaviour).
  // Default: 0.
  uint64_t reserve_ahead_left = 0;
  // Reservations tried in a row when the CAS keeps failing (another leader reserving at the same
  // time) before GetNextId gives up with Busy. Default: 16.
  int max_attempts = 16;
};

class SequenceIdGenerator {
 public:
  // Replicates the CAS (leader only): returns whether it succeeded; NotLeader etc. as errors.
  using AllocateFn = std::function<Result<bool>(const std::string& name, uint64_t expected_last,
                                                uint64_t new_last)>;

  SequenceIdGenerator(SequenceIdGeneratorOptions options, const SequenceIdState* state,
                      AllocateFn allocate);
  // Waits for a background reservation in flight.
  ~SequenceIdGenerator();

  // The next id of `type` (leader only). NotLeader/Timeout/Aborted from the AllocateFn when a
  // batch must be reserved; retries a lost CAS (from the last id applied here) up to
  // max_attempts times. Reservations are made one at a time.
  Result<uint64_t> GetNextId(const std::string& type);
  // Forgets the current batches and those reserved ahead (on becoming leader): the next
  // GetNextId reserves a fresh batch after whatever any leader reserved.
  void InvalidateBatch();

 private:
  struct Batch {
    uint64_t next = 1;
    uint64_t last = 0;  // next > last: exhausted
    // The next batch, reserved ahead (ahead_first > ahead_last: none).
    uint64_t ahead_first = 1;
    uint64_t ahead_last = 0;
    bool reserving_ahead = false;  // a background reservation is queued or in flight
  };
  uint64_t BatchSize(const std::string& type) const;
  uint64_t InitialLastId(const std::string& type) const;
  // The next id of `b` (switching to the batch reserved ahead if `b` is used up), or nullopt;
  // queues a reservation ahead if `b` runs low. REQUIRES: mu_ held.
  std::optional<uint64_t> TakeLocked(const std::string& type, Batch& b);
  // Replicates the reservation of [expected+1, expected+batch] (retrying a lost CAS). REQUIRES:
  // allocate_mu_ held. Returns {first, last}.
  Result<std::pair<uint64_t, uint64_t>> ReserveLocked(const std::string& type);
  // The background thread: reserves ahead for the types queued.
  void ReserveAheadLoop();

  SequenceIdGeneratorOptions options_;
  const SequenceIdState* state_;
  AllocateFn allocate_;
  std::mutex allocate_mu_;  // held while a batch is reserved (across the AllocateFn)
  std::mutex mu_;
  std::condition_variable cv_;            // work for the background thread
  std::map<std::string, Batch> batches_;  // guarded by mu_
  uint64_t epoch_ = 0;                    // guarded by mu_: bumped by InvalidateBatch
  std::deque<std::pair<std::string, uint64_t>> ahead_queue_;  // (type, epoch); guarded by mu_
  bool stopping_ = false;                                     // guarded by mu_
  std::thread ahead_thread_;  // started with the first reservation ahead; guarded by mu_
};

}  // namespace ozone::ha
