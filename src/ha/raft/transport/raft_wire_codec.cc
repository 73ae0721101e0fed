#include "ha/raft/transport/raft_wire_codec.h"

#include <string>
#include <utility>

namespace ozone::raft {
namespace {

constexpr int kMaxMessageType = static_cast<int>(MessageType::kTimeoutNow);
constexpr int kMaxEntryType = static_cast<int>(EntryType::kConfig);
constexpr int kMaxPeerRole = static_cast<int>(PeerRole::kLearner);

// The wire enums mirror the engine's, value for value, so conversion is a cast.
static_assert(wire::MSG_PRE_VOTE == static_cast<int>(MessageType::kPreVote));
static_assert(wire::MSG_PRE_VOTE_RESPONSE == static_cast<int>(MessageType::kPreVoteResponse));
static_assert(wire::MSG_VOTE == static_cast<int>(MessageType::kVote));
static_assert(wire::MSG_VOTE_RESPONSE == static_cast<int>(MessageType::kVoteResponse));
static_assert(wire::MSG_APPEND == static_cast<int>(MessageType::kAppend));
static_assert(wire::MSG_APPEND_RESPONSE == static_cast<int>(MessageType::kAppendResponse));
static_assert(wire::MSG_HEARTBEAT == static_cast<int>(MessageType::kHeartbeat));
static_assert(wire::MSG_HEARTBEAT_RESPONSE == static_cast<int>(MessageType::kHeartbeatResponse));
static_assert(wire::MSG_INSTALL_SNAPSHOT == static_cast<int>(MessageType::kInstallSnapshot));
static_assert(wire::MSG_TIMEOUT_NOW == static_cast<int>(MessageType::kTimeoutNow));
static_assert(wire::MessageTypeProto_MAX == kMaxMessageType);
static_assert(wire::ENTRY_NORMAL == static_cast<int>(EntryType::kNormal));
static_assert(wire::ENTRY_NOOP == static_cast<int>(EntryType::kNoop));
static_assert(wire::ENTRY_CONFIG == static_cast<int>(EntryType::kConfig));
static_assert(wire::EntryTypeProto_MAX == kMaxEntryType);
static_assert(wire::ROLE_VOTER == static_cast<int>(PeerRole::kVoter));
static_assert(wire::ROLE_LEARNER == static_cast<int>(PeerRole::kLearner));
static_assert(wire::PeerRoleProto_MAX == kMaxPeerRole);

bool IsDefault(const SnapshotMeta& meta) {
  return meta.index == LogIndex() && meta.term == Term() && meta.config.peers.empty();
}

void EncodeEntry(const Entry& entry, wire::EntryProto* proto) {
  proto->set_term(entry.term.value());
  proto->set_index(entry.index.value());
  proto->set_type(static_cast<wire::EntryTypeProto>(entry.type));
  if (entry.data != nullptr && !entry.data->empty()) proto->set_data(*entry.data);
}

void EncodeSnapshotMeta(const SnapshotMeta& meta, wire::SnapshotMetaProto* proto) {
  proto->set_index(meta.index.value());
  proto->set_term(meta.term.value());
  proto->mutable_peers()->Reserve(static_cast<int>(meta.config.peers.size()));
  for (const PeerInfo& peer : meta.config.peers) {
    wire::PeerProto* p = proto->add_peers();
    p->set_id(peer.id);
    p->set_address(peer.address);
    p->set_role(static_cast<wire::PeerRoleProto>(peer.role));
  }
}

Status DecodeSnapshotMeta(wire::SnapshotMetaProto* proto, SnapshotMeta* meta) {
  meta->index = LogIndex(proto->index());
  meta->term = Term(proto->term());
  meta->config.peers.reserve(proto->peers_size());
  for (wire::PeerProto& p : *proto->mutable_peers()) {
    int role = static_cast<int>(p.role());
    if (role < 0 || role > kMaxPeerRole) {
      return Status::Corruption("raft message: unknown peer role " + std::to_string(role));
    }
    PeerInfo peer;
    peer.id = std::move(*p.mutable_id());
    peer.address = std::move(*p.mutable_address());
    peer.role = static_cast<PeerRole>(role);
    meta->config.peers.push_back(std::move(peer));
  }
  return Status::OK();
}

}  // namespace

void EncodeMessage(const Message& message, wire::MessageProto* proto) {
  proto->set_type(static_cast<wire::MessageTypeProto>(message.type));
  proto->set_from(message.from);
  proto->set_to(message.to);
  proto->set_term(message.term.value());
  proto->set_last_log_index(message.last_log_index.value());
  proto->set_last_log_term(message.last_log_term.value());
  proto->set_transfer(message.transfer);
  proto->set_prev_log_index(message.prev_log_index.value());
  proto->set_prev_log_term(message.prev_log_term.value());
  if (!message.entries.empty()) {
    proto->mutable_entries()->Reserve(static_cast<int>(message.entries.size()));
    for (const Entry& entry : message.entries) EncodeEntry(entry, proto->add_entries());
  }
  proto->set_commit(message.commit.value());
  proto->set_reject(message.reject);
  proto->set_index(message.index.value());
  proto->set_hint_index(message.hint_index.value());
  proto->set_hint_term(message.hint_term.value());
  proto->set_context(message.context);
  if (!IsDefault(message.snapshot)) EncodeSnapshotMeta(message.snapshot, proto->mutable_snapshot());
}

Result<Message> DecodeMessage(wire::MessageProto* proto) {
  int type = static_cast<int>(proto->type());
  if (type < 0 || type > kMaxMessageType) {
    return Status::Corruption("raft message: unknown type " + std::to_string(type));
  }
  Message m;
  m.type = static_cast<MessageType>(type);
  m.from = std::move(*proto->mutable_from());
  m.to = std::move(*proto->mutable_to());
  m.term = Term(proto->term());
  m.last_log_index = LogIndex(proto->last_log_index());
  m.last_log_term = Term(proto->last_log_term());
  m.transfer = proto->transfer();
  m.prev_log_index = LogIndex(proto->prev_log_index());
  m.prev_log_term = Term(proto->prev_log_term());
  m.entries.reserve(proto->entries_size());
  for (wire::EntryProto& e : *proto->mutable_entries()) {
    int entry_type = static_cast<int>(e.type());
    if (entry_type < 0 || entry_type > kMaxEntryType) {
      return Status::Corruption("raft message: unknown entry type " + std::to_string(entry_type));
    }
    Entry entry;
    entry.term = Term(e.term());
    entry.index = LogIndex(e.index());
    entry.type = static_cast<EntryType>(entry_type);
    if (!e.data().empty()) entry.data = MakePayload(std::move(*e.mutable_data()));
    m.entries.push_back(std::move(entry));
  }
  m.commit = LogIndex(proto->commit());
  m.reject = proto->reject();
  m.index = LogIndex(proto->index());
  m.hint_index = LogIndex(proto->hint_index());
  m.hint_term = Term(proto->hint_term());
  m.context = proto->context();
  if (proto->has_snapshot()) {
    OZ_RETURN_IF_ERROR(DecodeSnapshotMeta(proto->mutable_snapshot(), &m.snapshot));
  }
  return m;
}

}  // namespace ozone::raft
