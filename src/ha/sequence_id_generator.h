// SequenceIdGenerator: unique ids (block localId, deleted-block delTxnId, containerId, certificate
// serials) handed out by the leader from batches reserved through the log (Ozone's
// SequenceIdGenerator, HDDS SCM HA design "Distributed Sequence ID Generator"):
//   GetNextId(type) returns the next id of the current batch; when the batch is used up it
//   replicates a compare-and-set "allocate [last+1, last+batch]" and continues from it. Ids are
//   never handed out twice, across failovers and restarts: a new leader invalidates its batch
//   (InvalidateBatch on becoming leader) and reserves a fresh one after whatever any earlier
//   leader reserved; ids of an abandoned batch are skipped, never reused.
//
// The replicated part is SequenceIdState (apply side): the last reserved id per type, kept in the
// `sequenceId` table (name -> last id) and in memory.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

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
  // (writes the new last id into `batch`). Returns whether it did.
  Result<bool> AllocateBatch(storage::DBStore& db, storage::WriteBatch& batch,
                             const std::string& name, uint64_t expected_last, uint64_t new_last);
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
  // The first id of a type that was never allocated, by type (0: start at 1).
  std::map<std::string, uint64_t> initial_last_id;
};

class SequenceIdGenerator {
 public:
  // Replicates the CAS (leader only): returns whether it succeeded; NotLeader etc. as errors.
  using AllocateFn = std::function<Result<bool>(const std::string& name, uint64_t expected_last,
                                                uint64_t new_last)>;

  SequenceIdGenerator(SequenceIdGeneratorOptions options, const SequenceIdState* state,
                      AllocateFn allocate);

  // The next id of `type`. NotLeader when not the leader; retries a lost CAS.
  Result<uint64_t> GetNextId(const std::string& type);
  // Forgets the current batches (on becoming leader).
  void InvalidateBatch();

 private:
  struct Batch {
    uint64_t next = 1;
    uint64_t last = 0;  // next > last: exhausted
  };
  SequenceIdGeneratorOptions options_;
  const SequenceIdState* state_;
  AllocateFn allocate_;
  std::mutex mu_;
  std::map<std::string, Batch> batches_;  // guarded by mu_
};

}  // namespace ozone::ha
