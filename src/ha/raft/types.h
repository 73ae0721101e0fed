// The vocabulary of the Raft engine: peers, log entries, persistent state, configurations and
// snapshot metadata. Plain values, shared by the protocol core, the log store, the transport and
// the simulation.
//
// Thread-safety: value types. Payload is immutable and shared, so an entry can sit in the log,
// in messages to several followers and in the apply queue without copies.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/strong_id.h"

namespace ozone::raft {

using ozone::LogIndex;
using ozone::Term;

// A server of a group. Ozone uses the SCM's scmUuid or the OM's node id.
using PeerId = std::string;
// A Raft group (ring). Several groups may share one process and one transport.
using GroupId = std::string;

// An entry's payload: immutable bytes shared between the log, messages and the state machine.
using Payload = std::shared_ptr<const std::string>;
inline Payload MakePayload(std::string bytes) {
  return std::make_shared<const std::string>(std::move(bytes));
}
inline const std::string& EmptyBytes() {
  static const std::string kEmpty;
  return kEmpty;
}

enum class EntryType : uint8_t {
  kNormal = 0,  // a state machine command
  kNoop = 1,    // appended by a new leader (Raft thesis §6.4); applies as nothing
  kConfig = 2,  // a Configuration (see configuration.h); effective when appended (thesis §4.1)
};

struct Entry {
  Term term;
  LogIndex index;
  EntryType type = EntryType::kNormal;
  Payload data;  // may be null for an empty payload

  const std::string& bytes() const { return data ? *data : EmptyBytes(); }
  // Bytes the entry takes in batches and messages (payload plus a fixed overhead).
  size_t ByteSize() const { return bytes().size() + 24; }
};

// What must be durable before a vote or an append is acknowledged (Raft paper Figure 2).
struct HardState {
  Term term;
  std::optional<PeerId> vote;  // the candidate voted for in `term`
  LogIndex commit;             // not required for safety; lets a restart apply sooner

  bool operator==(const HardState&) const = default;
};

enum class PeerRole : uint8_t {
  kVoter = 0,
  kLearner = 1,  // receives the log, does not vote and does not count for commit
};

struct PeerInfo {
  PeerId id;
  std::string address;  // "host:port", resolved when connecting
  PeerRole role = PeerRole::kVoter;

  bool operator==(const PeerInfo&) const = default;
};

// The members of a group, as carried by kConfig entries and snapshots.
struct Configuration {
  std::vector<PeerInfo> peers;

  const PeerInfo* Find(const PeerId& id) const;
  bool Contains(const PeerId& id) const { return Find(id) != nullptr; }
  bool IsVoter(const PeerId& id) const;
  std::vector<PeerId> Voters() const;
  size_t VoterCount() const;
  bool empty() const { return peers.empty(); }

  bool operator==(const Configuration&) const = default;
};

// Metadata of a state machine snapshot: the state covers the log through (index, term), and
// `config` is the configuration in effect at that index.
struct SnapshotMeta {
  LogIndex index;
  Term term;
  Configuration config;

  bool operator==(const SnapshotMeta&) const = default;
};

}  // namespace ozone::raft
