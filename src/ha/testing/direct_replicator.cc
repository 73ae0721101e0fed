#include "ha/testing/direct_replicator.h"

#include "storage/write_batch.h"

namespace ozone::ha::testing {

DirectReplicator::DirectReplicator(storage::DBStore* db, ApplyHandler* handler,
                                   std::string transaction_info_table)
    : db_(db), handler_(handler), transaction_info_table_(std::move(transaction_info_table)) {}

Result<std::string> DirectReplicator::Submit(std::string request) {
  std::lock_guard<std::mutex> l(mu_);
  if (!leader_) {
    if (leader_hint_.empty()) return Status::NotLeader("not the leader. No leader is known.");
    return Status::NotLeader("not the leader. Suggested leader is " + leader_hint_ + ".");
  }
  ++submitted_;
  TransactionInfo ti{term_, applied_.index + 1};
  storage::WriteBatch batch;
  ApplyContext ctx{ti, db_, &batch};
  OZ_ASSIGN_OR_RETURN(std::string response, handler_->Apply(request, ctx));
  if (!transaction_info_table_.empty()) {
    OZ_ASSIGN_OR_RETURN(storage::RawTable * table, db_->Table(transaction_info_table_));
    batch.Put(*table, kTransactionInfoKey, EncodeTransactionInfo(ti));
  }
  OZ_RETURN_IF_ERROR(db_->Commit(batch, storage::CommitOptions{.sync = false}));
  applied_ = ti;
  handler_->OnFlushedThrough(ti);
  return response;
}

void DirectReplicator::SetLeader(bool leader, std::string leader_hint) {
  std::lock_guard<std::mutex> l(mu_);
  leader_ = leader;
  leader_hint_ = std::move(leader_hint);
}

void DirectReplicator::SetTerm(Term term) {
  std::lock_guard<std::mutex> l(mu_);
  term_ = term;
}

TransactionInfo DirectReplicator::last_applied() const {
  std::lock_guard<std::mutex> l(mu_);
  return applied_;
}

uint64_t DirectReplicator::submitted() const {
  std::lock_guard<std::mutex> l(mu_);
  return submitted_;
}

}  // namespace ozone::ha::testing
