// RaftServer, the apply strand: committed entries to the state machine in order, answers to
// proposals and reads, events, and snapshots driven by the state machine's durable index.
#include <spdlog/spdlog.h>

#include "common/latency_breakdown.h"
#include "ha/raft/server/raft_server.h"

namespace ozone::raft {

void RaftServer::ApplyEntries(std::vector<Entry> entries) {
  if (entries.empty()) return;
  ProbeMark(WriteStage::kApplyStarted);
  sm_->OnApplyingBatch();
  for (const Entry& e : entries) {
    Result<std::string> r = sm_->Apply(e);
    if (!r.ok()) {
      sm_->OnAppliedBatch();
      FailLocal(r.status().WithContext("applying entry " + std::to_string(e.index.value())));
      return;
    }
    CompleteProposal(e.index, e.term, std::move(r));
    ++applied_since_snapshot_;
  }
  sm_->OnAppliedBatch();
  LogIndex last = entries.back().index;
  {
    std::lock_guard<std::mutex> l(pending_mu_);
    applied_ = last;
  }
  PostProtocol([this, last] {
    core_->OnApplied(last);
    ScheduleProcessReady();
  });
  MaybeSnapshot();
}

void RaftServer::CompleteProposal(LogIndex index, Term term, Result<std::string> result) {
  std::vector<std::pair<ProposeCallback, Result<std::string>>> done;
  {
    std::lock_guard<std::mutex> l(pending_mu_);
    while (!proposals_.empty() && proposals_.begin()->first <= index) {
      auto it = proposals_.begin();
      if (it->first == index && it->second.term == term) {
        done.emplace_back(std::move(it->second.done), std::move(result));
      } else {
        done.emplace_back(std::move(it->second.done),
                          Status::Aborted("LeadershipLost: the entry was replaced by another "
                                          "leader's"));
      }
      proposals_.erase(it);
    }
  }
  for (auto& [cb, r] : done) cb(std::move(r));
}

void RaftServer::DeliverEvents(std::vector<Event> events) {
  for (const Event& e : events) sm_->OnEvent(e);
}

void RaftServer::ServeReads() {
  std::vector<StatusCallback> done;
  {
    std::lock_guard<std::mutex> l(pending_mu_);
    while (!reads_waiting_.empty() && reads_waiting_.begin()->first <= applied_) {
      done.push_back(std::move(reads_waiting_.begin()->second.done));
      reads_waiting_.erase(reads_waiting_.begin());
    }
  }
  for (auto& cb : done) cb(Status::OK());
}

void RaftServer::MaybeSnapshot() {
  if (options_.snapshot_threshold == 0 || applied_since_snapshot_ < options_.snapshot_threshold) {
    return;
  }
  TakeSnapshot(options_.purge_gap);
}

void RaftServer::RequestSnapshot() {
  PostApply([this] { TakeSnapshot(/*purge_gap=*/0); });
}

void RaftServer::TakeSnapshot(uint64_t purge_gap) {
  applied_since_snapshot_ = 0;
  Result<LogIndex> covered = sm_->TakeSnapshot();
  if (!covered.ok()) {
    FailLocal(covered.status().WithContext("taking a state machine snapshot"));
    return;
  }
  LogIndex index = *covered;
  if (purge_gap == 0) spdlog::info("raft {}: snapshot through {} on request", self_, index.value());
  PostProtocol([this, index, purge_gap] {
    Result<SnapshotMeta> meta = core_->OnSnapshotTaken(index);
    if (!meta.ok()) {
      spdlog::warn("raft {}: snapshot through {} not recorded: {}", self_, index.value(),
                   meta.status().ToString());
      return;
    }
    SnapshotMeta m = *meta;
    // On the writer thread, in order with the appends: record the snapshot, then purge.
    Status s = writer_->Persist(std::nullopt, {}, [this, m, purge_gap](const Status& st) {
      if (!st.ok()) return;
      Status saved = log_->SaveSnapshotMeta(m);
      if (!saved.ok()) {
        FailLocal(saved.WithContext("saving snapshot metadata"));
        return;
      }
      if (options_.purge_enabled && m.index.value() > purge_gap) {
        writer_->Purge(m.index - purge_gap, [](const Status&) {}).IgnoreError();
      }
    });
    s.IgnoreError();  // only fails when stopping
  });
}

}  // namespace ozone::raft
