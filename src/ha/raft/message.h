// Message: everything Raft peers say to each other, as one flat value (like etcd's raftpb).
// The transport carries a Message together with its GroupId; the core never sees the group.
//
// Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ha/raft/types.h"

namespace ozone::raft {

enum class MessageType : uint8_t {
  // Election (Raft paper §5.2; pre-vote: thesis §9.6). Fields: term, last_log_index,
  // last_log_term, transfer (campaign started by TimeoutNow: bypasses the leader lease).
  // A PreVote carries the term the candidate *would* use; nothing is persisted for it.
  kPreVote = 0,
  kPreVoteResponse = 1,  // term, reject
  kVote = 2,
  kVoteResponse = 3,  // term, reject
  // Replication (§5.3). Fields: term, prev_log_index, prev_log_term, entries, commit.
  kAppend = 4,
  // term, reject; on success `index` is the last index the follower matches; on rejection
  // `index` echoes the rejected prev_log_index and (hint_index, hint_term) let the leader skip
  // back a whole term at a time (thesis §5.3 optimisation).
  kAppendResponse = 5,
  // Heartbeat: term, commit (capped at the follower's match), context (a ReadIndex round).
  kHeartbeat = 6,
  kHeartbeatResponse = 7,  // term, context
  // The follower needs entries the leader has purged: it must fetch the leader's snapshot out of
  // band (the state machine does) and report back. Fields: term, snapshot.
  kInstallSnapshot = 8,
  // Leadership transfer (thesis §3.10): the target starts an election at once. Field: term.
  kTimeoutNow = 9,
};

std::string_view MessageTypeName(MessageType type);

struct Message {
  MessageType type = MessageType::kHeartbeat;
  PeerId from;
  PeerId to;
  Term term;

  // kPreVote / kVote
  LogIndex last_log_index;
  Term last_log_term;
  bool transfer = false;

  // kAppend
  LogIndex prev_log_index;
  Term prev_log_term;
  std::vector<Entry> entries;
  LogIndex commit;  // also kHeartbeat

  // Responses
  bool reject = false;
  LogIndex index;       // kAppendResponse
  LogIndex hint_index;  // kAppendResponse on reject
  Term hint_term;

  // kHeartbeat / kHeartbeatResponse: the ReadIndex round being confirmed (0: none).
  uint64_t context = 0;

  // kInstallSnapshot
  SnapshotMeta snapshot;

  // Bytes this message takes on the wire, roughly (for batching).
  size_t ByteSize() const;
};

}  // namespace ozone::raft
