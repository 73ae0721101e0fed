// DeletedBlockLogState: the replicated deleted-block log (Ozone's DeletedBlockLogStateManager):
// transactions (txID -> DeletedBlocksTransaction) in the `deletedBlocks` table, plus a summary
// (transactions, blocks) kept in memory. Transactions are added when OM deletes keys and removed
// once every replica's datanode acknowledged them. Retry counts are not replicated (leader memory
// only, as Ozone).
//
// The read path is the in-memory copy, which drops a transaction as soon as its removal is
// applied (before the buffer reaches the table), so a removed transaction is never sent again
// (what Ozone's "deletingTxIDs" achieves for its table reads). Adding a txID that exists replaces
// it; removing an unknown txID is ignored (both deterministic, neither an error).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "common/result.h"
#include "ha/apply_handler.h"
#include "hdds.pb.h"
#include "scm.pb.h"

namespace ozone::scm {

struct DeletedBlocksSummary {
  uint64_t transactions = 0;
  uint64_t blocks = 0;
};

class DeletedBlockLogState {
 public:
  // Apply side (deterministic; an error Result is a local failure: the replica stops). A txID
  // below 1 is a domain failure (INVALID_ARGUMENT) and nothing of the request is applied.
  Result<std::optional<ScmError>> ApplyAdd(ha::ApplyContext& ctx,
                                           const std::vector<hdds::DeletedBlocksTransaction>& txs);
  Result<std::optional<ScmError>> ApplyRemove(ha::ApplyContext& ctx,
                                              const std::vector<int64_t>& tx_ids);
  Status Reload(storage::DBStore& db);
  // The buffer was committed (nothing to do: memory is already ahead of the table).
  void OnFlushed();

  // Up to `limit` transactions with txID > `after`, in txID order, wrapping around (round-robin
  // scans by the block deleting service). Transactions pending removal are skipped.
  std::vector<hdds::DeletedBlocksTransaction> Scan(int64_t after, size_t limit) const;
  std::optional<hdds::DeletedBlocksTransaction> Get(int64_t tx_id) const;
  DeletedBlocksSummary Summary() const;

 private:
  mutable std::mutex mu_;
  std::map<int64_t, hdds::DeletedBlocksTransaction> txs_;  // guarded by mu_
  DeletedBlocksSummary summary_;                           // guarded by mu_
};

}  // namespace ozone::scm
