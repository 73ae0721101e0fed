#include "scm/block/deleted_block_log_state.h"

#include "scm/metadata/scm_db_definition.h"
#include "storage/table.h"

namespace ozone::scm {

namespace {

using DeletedBlocksTable = storage::Table<Uint64Codec, ProtoCodec<hdds::DeletedBlocksTransaction>>;

}  // namespace

Result<std::optional<ScmError>> DeletedBlockLogState::ApplyAdd(
    ha::ApplyContext& ctx, const std::vector<hdds::DeletedBlocksTransaction>& txs) {
  OZ_ASSIGN_OR_RETURN(DeletedBlocksTable table, DeletedBlocksTable::Open(*ctx.db, kDeletedBlocks));
  for (const auto& tx : txs) {
    if (tx.txid() <= 0) {
      ScmError e;
      e.set_code(INVALID_ARGUMENT);
      e.set_message("Invalid deleted-block transaction id " + std::to_string(tx.txid()));
      return std::optional<ScmError>(std::move(e));
    }
  }
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& tx : txs) {
    hdds::DeletedBlocksTransaction stored = tx;
    stored.set_count(0);  // retries are leader memory, never stored
    table.PutInBatch(*ctx.batch, static_cast<uint64_t>(tx.txid()), stored);
    auto [it, inserted] = txs_.try_emplace(tx.txid());
    if (inserted) {
      ++summary_.transactions;
    } else {
      summary_.blocks -= static_cast<uint64_t>(it->second.localid_size());
    }
    summary_.blocks += static_cast<uint64_t>(stored.localid_size());
    it->second = std::move(stored);
  }
  return std::optional<ScmError>();
}

Result<std::optional<ScmError>> DeletedBlockLogState::ApplyRemove(
    ha::ApplyContext& ctx, const std::vector<int64_t>& tx_ids) {
  OZ_ASSIGN_OR_RETURN(DeletedBlocksTable table, DeletedBlocksTable::Open(*ctx.db, kDeletedBlocks));
  std::lock_guard<std::mutex> l(mu_);
  for (int64_t id : tx_ids) {
    auto it = txs_.find(id);
    if (it == txs_.end()) continue;
    --summary_.transactions;
    summary_.blocks -= static_cast<uint64_t>(it->second.localid_size());
    txs_.erase(it);
    table.DeleteInBatch(*ctx.batch, static_cast<uint64_t>(id));
  }
  return std::optional<ScmError>();
}

Status DeletedBlockLogState::Reload(storage::DBStore& db) {
  OZ_ASSIGN_OR_RETURN(DeletedBlocksTable table, DeletedBlocksTable::Open(db, kDeletedBlocks));
  std::map<int64_t, hdds::DeletedBlocksTransaction> loaded;
  DeletedBlocksSummary summary;
  OZ_RETURN_IF_ERROR(
      table.ForEach({}, [&](const uint64_t& id, const hdds::DeletedBlocksTransaction& tx) {
        ++summary.transactions;
        summary.blocks += static_cast<uint64_t>(tx.localid_size());
        loaded.emplace(static_cast<int64_t>(id), tx);
        return true;
      }));
  std::lock_guard<std::mutex> l(mu_);
  txs_ = std::move(loaded);
  summary_ = summary;
  return Status::OK();
}

void DeletedBlockLogState::OnFlushed() {}

std::vector<hdds::DeletedBlocksTransaction> DeletedBlockLogState::Scan(int64_t after,
                                                                       size_t limit) const {
  std::vector<hdds::DeletedBlocksTransaction> out;
  std::lock_guard<std::mutex> l(mu_);
  for (auto it = txs_.upper_bound(after); it != txs_.end() && out.size() < limit; ++it) {
    out.push_back(it->second);
  }
  for (auto it = txs_.begin(); it != txs_.end() && it->first <= after && out.size() < limit; ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::optional<hdds::DeletedBlocksTransaction> DeletedBlockLogState::Get(int64_t tx_id) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = txs_.find(tx_id);
  if (it == txs_.end()) return std::nullopt;
  return it->second;
}

DeletedBlocksSummary DeletedBlockLogState::Summary() const {
  std::lock_guard<std::mutex> l(mu_);
  return summary_;
}

}  // namespace ozone::scm
