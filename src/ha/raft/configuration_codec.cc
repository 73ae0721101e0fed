#include "ha/raft/configuration_codec.h"

#include "raft_log.pb.h"

namespace ozone::raft {

namespace {

void ToProto(const Configuration& config, ConfigurationProto* out) {
  for (const auto& p : config.peers) {
    PeerProto* pp = out->add_peers();
    pp->set_id(p.id);
    pp->set_address(p.address);
    pp->set_role(p.role == PeerRole::kLearner ? PeerProto::LEARNER : PeerProto::VOTER);
  }
}

Configuration FromProto(const ConfigurationProto& proto) {
  Configuration c;
  for (const auto& pp : proto.peers()) {
    c.peers.push_back(
        PeerInfo{pp.id(), pp.address(),
                 pp.role() == PeerProto::LEARNER ? PeerRole::kLearner : PeerRole::kVoter});
  }
  return c;
}

}  // namespace

std::string EncodeConfiguration(const Configuration& config) {
  ConfigurationProto proto;
  ToProto(config, &proto);
  return proto.SerializeAsString();
}

Result<Configuration> DecodeConfiguration(std::string_view bytes) {
  ConfigurationProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Corruption("bad configuration entry");
  }
  return FromProto(proto);
}

std::string EncodeSnapshotMeta(const SnapshotMeta& meta) {
  SnapshotMetaProto proto;
  proto.set_index(meta.index.value());
  proto.set_term(meta.term.value());
  ToProto(meta.config, proto.mutable_config());
  return proto.SerializeAsString();
}

Result<SnapshotMeta> DecodeSnapshotMeta(std::string_view bytes) {
  SnapshotMetaProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Corruption("bad snapshot metadata");
  }
  return SnapshotMeta{LogIndex(proto.index()), Term(proto.term()), FromProto(proto.config())};
}

std::string EncodeHardState(const HardState& state) {
  HardStateProto proto;
  proto.set_term(state.term.value());
  if (state.vote) proto.set_vote(*state.vote);
  proto.set_commit(state.commit.value());
  return proto.SerializeAsString();
}

Result<HardState> DecodeHardState(std::string_view bytes) {
  HardStateProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Corruption("bad hard state");
  }
  HardState s;
  s.term = Term(proto.term());
  if (proto.has_vote()) s.vote = proto.vote();
  s.commit = LogIndex(proto.commit());
  return s;
}

}  // namespace ozone::raft
