#include "scm/block/deleted_block_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "scm/node/datanode_details.h"

namespace ozone::scm {

namespace {

size_t ReplicationCount(const hdds::ContainerInfoProto& info) {
  return info.replicationfactor() == hdds::THREE ? 3 : 1;
}

}  // namespace

DeletedBlockLog::DeletedBlockLog(DeletedBlockLogOptions options, DeletedBlockLogState* state,
                                 ContainerManager* containers, NodeManager* nodes,
                                 ha::SequenceIdGenerator* ids, ScmRequests* requests,
                                 const ha::HaContext* context, const Clock* clock)
    : options_(options),
      state_(state),
      containers_(containers),
      nodes_(nodes),
      ids_(ids),
      requests_(requests),
      context_(context),
      clock_(clock) {}

Status DeletedBlockLog::AddTransactions(
    const std::map<int64_t, std::vector<int64_t>>& blocks_by_container) {
  OZ_RETURN_IF_ERROR(context_->TermOfLeader().status());
  const size_t batch_size = std::max<size_t>(1, options_.batch);
  std::vector<hdds::DeletedBlocksTransaction> batch;
  for (const auto& [container_id, local_ids] : blocks_by_container) {
    if (local_ids.empty()) continue;
    OZ_ASSIGN_OR_RETURN(uint64_t tx_id, ids_->GetNextId(ha::kDelTxnId));
    hdds::DeletedBlocksTransaction& tx = batch.emplace_back();
    tx.set_txid(static_cast<int64_t>(tx_id));
    tx.set_containerid(container_id);
    for (int64_t local_id : local_ids) tx.add_localid(local_id);
    tx.set_count(0);
    if (batch.size() >= batch_size) {
      OZ_RETURN_IF_ERROR(requests_->AddDeletedBlockTransactions(batch));
      batch.clear();
    }
  }
  if (!batch.empty()) OZ_RETURN_IF_ERROR(requests_->AddDeletedBlockTransactions(batch));
  return Status::OK();
}

size_t DeletedBlockLog::SendDeleteCommands() {
  Result<Term> term = context_->TermOfLeader();
  if (!term.ok()) return 0;
  const Clock::SteadyTime now = clock_->SteadyNow();
  // The datanodes that can take commands now.
  std::set<std::string> healthy;
  for (const auto& d : nodes_->Healthy()) healthy.insert(DatanodeUuid(d));

  std::map<std::string, std::vector<hdds::DeletedBlocksTransaction>> by_datanode;
  std::vector<int64_t> orphans;  // transactions of containers SCM does not know
  size_t sent = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    // Forget sends that timed out, so that they go again.
    for (auto& [dn, txs] : in_flight_) {
      std::erase_if(
          txs, [&](const auto& entry) { return now - entry.second >= options_.command_timeout; });
    }
    // Round-robin from where the last run stopped; every transaction has a block at least.
    const size_t limit =
        std::min<size_t>(state_->Summary().transactions, options_.max_blocks_per_interval);
    std::vector<hdds::DeletedBlocksTransaction> txs = state_->Scan(last_scanned_, limit);
    size_t blocks = 0;
    for (const auto& tx : txs) {
      if (blocks >= options_.max_blocks_per_interval) break;
      last_scanned_ = tx.txid();
      std::optional<hdds::ContainerInfoProto> info = containers_->Get(tx.containerid());
      if (!info) {
        orphans.push_back(tx.txid());
        continue;
      }
      if (info->state() == hdds::OPEN) continue;  // blocks may still be written
      bool queued = false;
      const std::set<std::string>& acked = acked_[tx.txid()];
      for (const ContainerReplica& r : containers_->Replicas(tx.containerid())) {
        if (!healthy.contains(r.datanode_uuid) || acked.contains(r.datanode_uuid)) continue;
        auto& flying = in_flight_[r.datanode_uuid];
        if (flying.contains(tx.txid())) continue;
        flying[tx.txid()] = now;
        hdds::DeletedBlocksTransaction copy = tx;
        copy.set_count(sent_count_[tx.txid()] + 1);
        by_datanode[r.datanode_uuid].push_back(std::move(copy));
        queued = true;
      }
      if (acked.empty()) acked_.erase(tx.txid());
      if (queued) {
        ++sent_count_[tx.txid()];
        ++sent;
        blocks += static_cast<size_t>(tx.localid_size());
      }
    }
  }
  for (auto& [dn, txs] : by_datanode) {
    SCMCommandProto command;
    command.set_commandtype(SCMCommandProto::deleteBlocksCommand);
    command.set_cmdid(nodes_->NextCommandId());
    command.set_term(static_cast<int64_t>(term->value()));
    for (auto& tx : txs) {
      *command.mutable_deleteblockscommandproto()->add_deletedblockstransactions() = std::move(tx);
    }
    nodes_->AddCommand(dn, std::move(command));
  }
  if (!orphans.empty()) {
    Status removed = requests_->RemoveDeletedBlockTransactions(orphans);
    if (!removed.ok()) {
      spdlog::warn("removing {} deleted-block transactions of unknown containers: {}",
                   orphans.size(), removed.ToString());
    }
  }
  return sent;
}

void DeletedBlockLog::ProcessCommandStatus(const std::string& datanode_uuid,
                                           const CommandStatus& status) {
  if (status.type() != SCMCommandProto::deleteBlocksCommand) return;
  if (!context_->IsLeaderReady()) return;
  if (status.committedtxids_size() == 0 && status.failedtxids_size() == 0) return;
  std::vector<int64_t> done;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto flying = in_flight_.find(datanode_uuid);
    for (int64_t tx : status.failedtxids()) {
      if (flying != in_flight_.end()) flying->second.erase(tx);
    }
    for (int64_t tx_id : status.committedtxids()) {
      if (flying != in_flight_.end()) flying->second.erase(tx_id);
      std::optional<hdds::DeletedBlocksTransaction> tx = state_->Get(tx_id);
      if (!tx) {
        acked_.erase(tx_id);
        continue;
      }
      std::set<std::string>& acked = acked_[tx_id];
      acked.insert(datanode_uuid);
      std::optional<hdds::ContainerInfoProto> info = containers_->Get(tx->containerid());
      if (!info) {
        done.push_back(tx_id);
        continue;
      }
      bool all = acked.size() >= ReplicationCount(*info);
      for (const ContainerReplica& r : containers_->Replicas(tx->containerid())) {
        // A replica on a dead datanode is not current (the replication manager replaces it).
        std::optional<NodeStatus> node = nodes_->Get(r.datanode_uuid);
        if (node && node->health == NodeHealth::kDead) continue;
        all = all && acked.contains(r.datanode_uuid);
      }
      if (all) done.push_back(tx_id);
    }
  }
  if (done.empty()) return;
  Status removed = requests_->RemoveDeletedBlockTransactions(done);
  if (!removed.ok()) {
    spdlog::warn("removing {} acknowledged deleted-block transactions: {}", done.size(),
                 removed.ToString());
    return;
  }
  std::lock_guard<std::mutex> l(mu_);
  for (int64_t tx : done) {
    acked_.erase(tx);
    sent_count_.erase(tx);
    for (auto& [dn, txs] : in_flight_) txs.erase(tx);
  }
}

void DeletedBlockLog::OnBecameLeader() {
  std::lock_guard<std::mutex> l(mu_);
  last_scanned_ = 0;
  acked_.clear();
  in_flight_.clear();
  sent_count_.clear();
}

DeletedBlocksSummary DeletedBlockLog::Summary() const { return state_->Summary(); }

std::shared_ptr<ha::BackgroundService> MakeBlockDeletingService(
    DeletedBlockLog* log, const ha::HaContext* context, std::chrono::milliseconds interval) {
  ha::BackgroundServiceOptions options;
  options.name = "SCMBlockDeletingService";
  options.interval = interval;
  return std::make_shared<ha::BackgroundService>(std::move(options), context,
                                                 [log] { log->SendDeleteCommands(); });
}

}  // namespace ozone::scm
