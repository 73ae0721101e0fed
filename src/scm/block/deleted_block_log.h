// DeletedBlockLog: SCM's leader logic for deleting blocks of deleted keys (Ozone's
// DeletedBlockLogImpl):
//   - AddTransactions (block protocol, from OM's KeyDeletingService): one transaction per
//     container with a txID from the sequence id generator (delTxnId), replicated in batches.
//   - The block deleting service (leader only, every hdds.scm.block.deleting.service.interval)
//     takes transactions round-robin, and for each datanode holding a replica of the container
//     queues a DeleteBlocksCommand (stamped with the leader's term) unless one is in flight.
//     Transactions of open containers wait; those of unknown containers are removed. A command
//     not acknowledged within `command_timeout` (or reported FAILED) is sent again.
//   - Acknowledgements (command status reports from datanodes; ignored unless leader ready) are
//     recorded in memory; once the datanodes of every current replica (those on dead datanodes
//     do not count), and at least as many as
//     the container's replication factor, acknowledged a transaction, its removal is replicated.
//   - Retry bookkeeping is in memory only and cleared when this SCM becomes leader (a new leader
//     may resend; datanodes treat deletes idempotently).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "ha/ha_context.h"
#include "ha/ha_service.h"
#include "ha/sequence_id_generator.h"
#include "scm/block/deleted_block_log_state.h"
#include "scm/container/container_manager.h"
#include "scm/ha/scm_requests.h"
#include "scm/node/node_manager.h"

namespace ozone::scm {

struct DeletedBlockLogOptions {
  // hdds.scm.block.deletion.per-interval.max. Default: 500000.
  size_t max_blocks_per_interval = 500'000;
  // Transactions per replicated batch. Default: 1000.
  size_t batch = 1000;
  // How long a sent transaction waits for its acknowledgement before it is sent again.
  // Default: 300 s.
  std::chrono::milliseconds command_timeout{300'000};
};

class DeletedBlockLog {
 public:
  DeletedBlockLog(DeletedBlockLogOptions options, DeletedBlockLogState* state,
                  ContainerManager* containers, NodeManager* nodes, ha::SequenceIdGenerator* ids,
                  ScmRequests* requests, const ha::HaContext* context,
                  const Clock* clock = &Clock::Real());

  // Leader only: records blocks to delete, per container (one transaction per container with
  // blocks; containers without blocks are skipped).
  Status AddTransactions(const std::map<int64_t, std::vector<int64_t>>& blocks_by_container);
  // One run of the block deleting service: queue delete commands to datanodes (nothing unless
  // leader). Returns the number of transactions sent (to one datanode or more).
  size_t SendDeleteCommands();
  // A datanode's command status report (acknowledged or failed transactions); replicates the
  // removal of fully acknowledged transactions.
  void ProcessCommandStatus(const std::string& datanode_uuid, const CommandStatus& status);
  // Clears in-memory bookkeeping (on becoming leader).
  void OnBecameLeader();
  DeletedBlocksSummary Summary() const;

 private:
  DeletedBlockLogOptions options_;
  DeletedBlockLogState* state_;
  ContainerManager* containers_;
  NodeManager* nodes_;
  ha::SequenceIdGenerator* ids_;
  ScmRequests* requests_;
  const ha::HaContext* context_;
  const Clock* clock_;
  mutable std::mutex mu_;
  int64_t last_scanned_ = 0;                        // guarded by mu_
  std::map<int64_t, std::set<std::string>> acked_;  // txID -> datanodes; guarded by mu_
  // datanode -> txID -> when it was sent; guarded by mu_
  std::map<std::string, std::map<int64_t, Clock::SteadyTime>> in_flight_;
  std::map<int64_t, int32_t> sent_count_;  // txID -> times sent; guarded by mu_
};

std::shared_ptr<ha::BackgroundService> MakeBlockDeletingService(DeletedBlockLog* log,
                                                                const ha::HaContext* context,
                                                                std::chrono::milliseconds interval);

}  // namespace ozone::scm
