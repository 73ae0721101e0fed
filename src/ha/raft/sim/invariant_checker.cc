#include "ha/raft/sim/invariant_checker.h"

#include <fmt/format.h>

namespace ozone::raft::sim {

namespace {

bool SameBytes(const Payload& a, const Payload& b) {
  if (a == b) return true;
  const std::string& x = a ? *a : EmptyBytes();
  const std::string& y = b ? *b : EmptyBytes();
  return x == y;
}

std::string VoteName(const std::optional<PeerId>& vote) { return vote ? *vote : "<none>"; }

}  // namespace

Status InvariantChecker::OnAppend(const NodeView& view, LogIndex old_last, Term prev_term,
                                  const std::vector<Entry>& entries) {
  if (entries.empty()) return Status::OK();
  const LogIndex first = entries.front().index;
  if (view.leader) {
    // Leader append-only (Raft paper Figure 3).
    if (first <= old_last) {
      return Status::Internal(fmt::format(
          "leader append-only: leader {} of term {} overwrote its log from index {} (last {})",
          view.id, view.term.value(), first.value(), old_last.value()));
    }
    for (const Entry& e : entries) {
      if (e.term != view.term) {
        return Status::Internal(fmt::format("leader {} of term {} appended entry {} of term {}",
                                            view.id, view.term.value(), e.index.value(),
                                            e.term.value()));
      }
    }
  }
  // Committed entries are never replaced (Raft paper §5.3: a follower only truncates conflicting,
  // hence uncommitted, entries). The commit index is the one seen before this step: the step that
  // replaces a conflicting tail may also commit past it.
  const LogIndex committed = nodes_[view.id].commit;
  for (LogIndex i = first; i <= old_last && i <= committed; ++i) {
    if (i < view.log->FirstIndex()) continue;
    Result<Term> old_term = view.log->TermAt(i);
    const Entry& e = entries[i - first];
    if (old_term.ok() && *old_term != e.term) {
      return Status::Internal(fmt::format(
          "{} overwrote committed entry {} (term {}, commit index {}) with one of term {}", view.id,
          i.value(), old_term->value(), committed.value(), e.term.value()));
    }
    if (i - first + 1 >= entries.size()) break;
  }
  Term prev = prev_term;
  LogIndex expected = first;
  for (const Entry& e : entries) {
    if (e.index != expected) {
      return Status::Internal(fmt::format("{} wrote non-consecutive entries: {} where {} was due",
                                          view.id, e.index.value(), expected.value()));
    }
    ++expected;
    if (e.term < prev) {
      return Status::Internal(
          fmt::format("{} log terms decrease: entry {} of term {} after term {}", view.id,
                      e.index.value(), e.term.value(), prev.value()));
    }
    auto [it, inserted] =
        written_.try_emplace({e.index, e.term}, WrittenEntry{e.type, e.data, prev, view.id});
    if (!inserted) {
      const WrittenEntry& w = it->second;
      if (w.type != e.type || !SameBytes(w.data, e.data)) {
        return Status::Internal(
            fmt::format("log matching: entry ({}, term {}) differs between {} and {}",
                        e.index.value(), e.term.value(), w.writer, view.id));
      }
      if (w.prev_term != prev) {
        return Status::Internal(fmt::format(
            "log matching: entry ({}, term {}) follows term {} on {} but term {} on {}",
            e.index.value(), e.term.value(), w.prev_term.value(), w.writer, prev.value(), view.id));
      }
    }
    prev = e.term;
  }
  return Status::OK();
}

Status InvariantChecker::OnApply(const PeerId& node, const Entry& entry) {
  NodeTrack& track = nodes_[node];
  if (entry.index != track.applied + 1) {
    return Status::Internal(fmt::format("{} applied entry {} after {}", node, entry.index.value(),
                                        track.applied.value()));
  }
  track.applied = entry.index;
  const size_t pos = entry.index.value() - 1;
  if (applied_.size() <= pos) applied_.resize(pos + 1);
  AppliedEntry& a = applied_[pos];
  if (a.term == Term(0)) {
    a = AppliedEntry{entry.term, entry.type, entry.data, node};
    return Status::OK();
  }
  if (a.term != entry.term || a.type != entry.type || !SameBytes(a.data, entry.data)) {
    return Status::Internal(fmt::format(
        "state machine safety: {} applied entry {} of term {}, {} applied one of term {}",
        a.first_applied_by, entry.index.value(), a.term.value(), node, entry.term.value()));
  }
  return Status::OK();
}

Status InvariantChecker::OnSnapshotInstalled(const PeerId& node, LogIndex index) {
  NodeTrack& track = nodes_[node];
  if (index < track.applied) {
    return Status::Internal(fmt::format("{} installed a snapshot at {} over applied state at {}",
                                        node, index.value(), track.applied.value()));
  }
  track.applied = index;
  return Status::OK();
}

Status InvariantChecker::OnHardStatePersisted(const PeerId& node, const HardState& state) {
  NodeTrack& track = nodes_[node];
  if (track.persisted) {
    const HardState& old = track.hard_state;
    if (state.term < old.term) {
      return Status::Internal(fmt::format("{} durable term went back from {} to {}", node,
                                          old.term.value(), state.term.value()));
    }
    if (state.term == old.term && old.vote && state.vote != old.vote) {
      return Status::Internal(fmt::format("{} changed its durable vote in term {} from {} to {}",
                                          node, state.term.value(), VoteName(old.vote),
                                          VoteName(state.vote)));
    }
  }
  track.persisted = true;
  track.hard_state = state;
  return Status::OK();
}

void InvariantChecker::OnRestart(const PeerId& node, LogIndex applied) {
  NodeTrack& track = nodes_[node];
  track.commit = LogIndex(0);
  track.applied = applied;
  track.leader_checked = Term(0);
}

void InvariantChecker::OnWipe(const PeerId& node) { nodes_.erase(node); }

Status InvariantChecker::CheckLeaderHas(const NodeView& leader, LogIndex index,
                                        const CommittedEntry& c) const {
  if (c.entry_term == Term(0) || c.commit_term >= leader.term) return Status::OK();
  if (index < leader.log->FirstIndex()) return Status::OK();  // covered by its snapshot
  Result<Term> term = leader.log->TermAt(index);
  if (!term.ok() || *term != c.entry_term) {
    return Status::Internal(fmt::format(
        "leader completeness: entry {} (term {}) committed in term {} is {} in the log of {}, "
        "leader of term {}",
        index.value(), c.entry_term.value(), c.commit_term.value(),
        term.ok() ? fmt::format("of term {}", term->value()) : std::string("missing"), leader.id,
        leader.term.value()));
  }
  return Status::OK();
}

Status InvariantChecker::RecordCommits(const NodeView& view, NodeTrack* track,
                                       std::vector<LogIndex>* changed) {
  if (view.commit < track->commit) {
    return Status::Internal(fmt::format("{} commit index went back from {} to {}", view.id,
                                        track->commit.value(), view.commit.value()));
  }
  if (committed_.size() < view.commit.value()) committed_.resize(view.commit.value());
  const LogIndex first = view.log->FirstIndex();
  for (LogIndex i = track->commit + 1; i <= view.commit; ++i) {
    if (i < first) continue;  // covered by the server's snapshot
    Result<Term> term = view.log->TermAt(i);
    if (!term.ok()) {
      return Status::Internal(fmt::format("{} has commit index {} but no entry {} (log ends at {})",
                                          view.id, view.commit.value(), i.value(),
                                          view.log->LastIndex().value()));
    }
    CommittedEntry& c = committed_[i.value() - 1];
    if (c.entry_term == Term(0)) {
      c = CommittedEntry{*term, view.term};
      changed->push_back(i);
    } else if (c.entry_term != *term) {
      return Status::Internal(fmt::format(
          "state machine safety: entry {} committed with term {} and, on {}, with term {}",
          i.value(), c.entry_term.value(), view.id, term->value()));
    } else if (view.term < c.commit_term) {
      c.commit_term = view.term;
      changed->push_back(i);
    }
  }
  track->commit = view.commit;
  return Status::OK();
}

Status InvariantChecker::CheckStep(const std::vector<NodeView>& nodes) {
  std::vector<LogIndex> changed;
  for (const NodeView& view : nodes) {
    if (!view.alive) continue;
    NodeTrack& track = nodes_[view.id];
    if (view.leader) {
      auto [it, inserted] = leaders_.try_emplace(view.term, view.id);
      if (!inserted && it->second != view.id) {
        return Status::Internal(fmt::format("election safety: term {} has two leaders, {} and {}",
                                            view.term.value(), it->second, view.id));
      }
    }
    if (view.applied > view.commit) {
      return Status::Internal(fmt::format("{} applied {} beyond its commit index {}", view.id,
                                          view.applied.value(), view.commit.value()));
    }
    if (view.core_applied > view.commit) {
      return Status::Internal(fmt::format("{} reports applied {} beyond its commit index {}",
                                          view.id, view.core_applied.value(), view.commit.value()));
    }
    if (view.applied != track.applied) {
      return Status::Internal(
          fmt::format("{} state machine at {} but the checker saw it apply "
                      "through {}",
                      view.id, view.applied.value(), track.applied.value()));
    }
    OZ_RETURN_IF_ERROR(RecordCommits(view, &track, &changed));
  }
  for (const NodeView& view : nodes) {
    if (!view.alive || !view.leader) continue;
    NodeTrack& track = nodes_[view.id];
    if (track.leader_checked != view.term) {
      // A new leader: it must hold every entry committed in an earlier term.
      const size_t from = view.log->FirstIndex().value() - 1;
      for (size_t pos = from; pos < committed_.size(); ++pos) {
        OZ_RETURN_IF_ERROR(CheckLeaderHas(view, LogIndex(pos + 1), committed_[pos]));
      }
      track.leader_checked = view.term;
    } else {
      for (LogIndex i : changed) {
        OZ_RETURN_IF_ERROR(CheckLeaderHas(view, i, committed_[i.value() - 1]));
      }
    }
  }
  return Status::OK();
}

}  // namespace ozone::raft::sim
