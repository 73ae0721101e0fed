// DirectReplicator: a Replicator without Raft, for unit tests of managers (SCM's ContainerManager,
// PipelineManager, ...): Submit applies the request at once through the domain's ApplyHandler
// into a DBStore, as a one-node ring would: each request gets the next TransactionInfo (term,
// index), the handler writes into a batch, and the batch is committed with #TRANSACTIONINFO (when
// a transaction info table is given) before Submit returns, then ApplyHandler::OnFlushed runs.
//
//   DirectReplicator replicator(db.get(), &handler, "scmTransactionInfos");
//   ScmRequests requests(&replicator);   // or any Replicator user
//   replicator.SetLeader(false, "scm2[host2:9894]");  // Submit now fails with NotLeader
//
// A handler error is returned from Submit as is (a real replica would stop); nothing of that
// request is committed.
//
// Thread-safety: all methods may be called from any thread; Submits are applied one at a time.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "ha/apply_handler.h"
#include "ha/replicator.h"
#include "ha/transaction_info.h"
#include "storage/db_store.h"

namespace ozone::ha::testing {

class DirectReplicator : public Replicator {
 public:
  // `db` and `handler` must outlive the replicator. `transaction_info_table` empty: the
  // TransactionInfo is not stored.
  DirectReplicator(storage::DBStore* db, ApplyHandler* handler,
                   std::string transaction_info_table = "");

  Result<std::string> Submit(std::string request) override;

  // While not leader, Submit fails with NotLeader naming `leader_hint`. Default: leader.
  void SetLeader(bool leader, std::string leader_hint = "");
  // The term of later entries (a simulated failover). Default: 1.
  void SetTerm(Term term);
  // The TransactionInfo of the last applied request ({0, 0} before the first).
  TransactionInfo last_applied() const;
  uint64_t submitted() const;

 private:
  storage::DBStore* db_;
  ApplyHandler* handler_;
  const std::string transaction_info_table_;
  mutable std::mutex mu_;
  bool leader_ = true;       // guarded by mu_
  std::string leader_hint_;  // guarded by mu_
  Term term_{1};             // guarded by mu_
  TransactionInfo applied_;  // guarded by mu_
  uint64_t submitted_ = 0;   // guarded by mu_
};

}  // namespace ozone::ha::testing
