// ApplyHandler: a domain's deterministic application of its log entries to its database and
// in-memory state (SCM: container, pipeline, deleted-block, sequence-id and service-config
// changes; OM: namespace requests). DbStateMachine calls it for every normal entry, in log order,
// on the apply strand.
//
// Contract: Apply must be deterministic (no clock, randomness or calls to other services); it
// writes only into `ctx.batch` (committed later with the TransactionInfo, atomically) and its
// own in-memory state, which is the read path. A domain failure (CONTAINER_EXISTS) goes into the
// returned response; a non-OK Status means the replica cannot continue (it stops, it never skips
// an entry).
//
// Thread-safety: Apply, Reload and OnFlushed are called one at a time (DbStateMachine holds its
// mutex around each; OnFlushed may run on the thread that flushed, e.g. a timer service), and
// must not call back into the DbStateMachine; the domain's read paths must synchronize with them
// themselves.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "ha/transaction_info.h"
#include "storage/db_store.h"
#include "storage/write_batch.h"

namespace ozone::ha {

struct ApplyContext {
  TransactionInfo ti;
  storage::DBStore* db;
  storage::WriteBatch* batch;
  // Set by the handler to have the batch committed right after this entry (Ozone flushes after
  // saving a stateful service's configuration, so readers of the table see it at once).
  bool flush_after = false;
};

class ApplyHandler {
 public:
  virtual ~ApplyHandler() = default;
  // Applies one entry's payload; returns the encoded response for the proposer.
  virtual Result<std::string> Apply(std::string_view payload, ApplyContext& ctx) = 0;
  // The database was opened or replaced (snapshot install): rebuild in-memory state from it.
  virtual Status Reload(storage::DBStore& db) = 0;
  // The database is about to be closed (a snapshot install replaces it): stop using it (OM's
  // readers). Reload follows once a database is open again. Default: nothing.
  virtual void OnDatabaseClosing() {}
  // Called, under the same mutex as Apply, right before the entries applied since the last commit
  // are committed (with the TransactionInfo): a handler that coalesces a row many entries rewrite
  // (OM: a bucket's usage) writes its last value into `batch` now. Default: nothing.
  virtual void BeforeCommit(storage::WriteBatch& batch) { (void)batch; }
  // Called after each batch commit (Ozone's onFlush hooks, e.g. the deleted-block log's
  // "deleting" set). Default: nothing.
  virtual void OnFlushed() {}
  // Called after each batch commit with the TransactionInfo the database now holds (OM evicts
  // its table caches up to that index). Default: OnFlushed().
  virtual void OnFlushedThrough(const TransactionInfo& flushed) {
    (void)flushed;
    OnFlushed();
  }
};

}  // namespace ozone::ha
