#include "om/testing/om_test_cluster.h"

#include <filesystem>
#include <stdexcept>

namespace ozone::om::testing {

namespace {

constexpr char kClientId[] = "test-client";

OMRequest NewRequest(Type type, uint64_t call) {
  OMRequest r;
  r.set_cmdtype(type);
  if (call != 0) {
    r.set_clientid(kClientId);
    r.set_callid(call);
  }
  return r;
}

KeyArgs* Args(KeyArgs* args, const std::string& volume, const std::string& bucket,
              const std::string& key) {
  args->set_volumename(volume);
  args->set_bucketname(bucket);
  args->set_keyname(key);
  return args;
}

}  // namespace

OmTestCluster::OmTestCluster(const std::string& dir, int replicas, OmOptions options,
                             const Clock* clock, bool sync)
    : options_(std::move(options)), clock_(clock), sync_(sync) {
  for (int i = 0; i < replicas; ++i) {
    auto r = std::make_unique<Replica>();
    r->db_path = dir + "/om" + std::to_string(i + 1) + "/om.db";
    replicas_.push_back(std::move(r));
  }
  for (auto& r : replicas_) {
    ozone::Status s = Open(*r);
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
  log_ = std::make_unique<ha::testing::LogReplicator>(replicas_[0]->sm.get());
  for (auto& r : replicas_) {
    r->flow = std::make_unique<OmExecutionFlow>(&r->state->options(), log_.get(),
                                                &r->state->metadata(), &r->state->retry_cache(),
                                                &scm_, clock_, &r->state->prepare(),
                                                &r->state->proposed());
  }
}

OmTestCluster::~OmTestCluster() = default;

ozone::Status OmTestCluster::Open(Replica& r, bool cancel_prepare) {
  r.sm.reset();
  r.state = std::make_unique<OmReplicatedState>(options_);
  if (cancel_prepare) r.state->prepare().CancelOnLoad();
  ha::DbStateMachineOptions o = OmStateMachineOptions(options_, r.db_path);
  o.sync = sync_;
  OZ_ASSIGN_OR_RETURN(r.sm, r.state->OpenStateMachine(std::move(o), nullptr, clock_));
  return ozone::Status::OK();
}

ozone::Status OmTestCluster::CatchUp(int i) { return log_->CatchUp(replicas_[i]->sm.get()); }

ozone::Status OmTestCluster::Failover(int i) {
  OZ_RETURN_IF_ERROR(log_->Failover(replicas_[i]->sm.get()));
  leader_ = i;
  return ozone::Status::OK();
}

ozone::Status OmTestCluster::Restart(int i, bool flush_first, bool cancel_prepare) {
  Replica& r = *replicas_[i];
  if (flush_first) OZ_RETURN_IF_ERROR(r.sm->Flush());
  r.flow.reset();
  OZ_RETURN_IF_ERROR(Open(r, cancel_prepare));
  r.flow = std::make_unique<OmExecutionFlow>(&r.state->options(), log_.get(),
                                             &r.state->metadata(), &r.state->retry_cache(), &scm_,
                                             clock_, &r.state->prepare(), &r.state->proposed());
  if (i == leader_) {
    // The log's leader pointer must follow the reopened state machine.
    OZ_RETURN_IF_ERROR(log_->Failover(r.sm.get()));
  }
  return ozone::Status::OK();
}

ozone::Status OmTestCluster::FlushAll() {
  for (auto& r : replicas_) OZ_RETURN_IF_ERROR(r->sm->Flush());
  return ozone::Status::OK();
}

// ---- builders -----------------------------------------------------------------------------------

OMRequest CreateVolume(const std::string& volume, const std::string& owner, uint64_t call) {
  OMRequest r = NewRequest(Type::CreateVolume, call);
  VolumeInfo* v = r.mutable_createvolumerequest()->mutable_volumeinfo();
  v->set_volume(volume);
  v->set_ownername(owner);
  v->set_adminname(owner);
  return r;
}

OMRequest DeleteVolume(const std::string& volume) {
  OMRequest r = NewRequest(Type::DeleteVolume, 0);
  r.mutable_deletevolumerequest()->set_volumename(volume);
  return r;
}

OMRequest InfoVolume(const std::string& volume) {
  OMRequest r = NewRequest(Type::InfoVolume, 0);
  r.mutable_infovolumerequest()->set_volumename(volume);
  return r;
}

OMRequest CreateBucket(const std::string& volume, const std::string& bucket, uint64_t call) {
  OMRequest r = NewRequest(Type::CreateBucket, call);
  BucketInfo* b = r.mutable_createbucketrequest()->mutable_bucketinfo();
  b->set_volumename(volume);
  b->set_bucketname(bucket);
  b->set_isversionenabled(false);
  b->set_storagetype(DISK);
  return r;
}

OMRequest DeleteBucket(const std::string& volume, const std::string& bucket) {
  OMRequest r = NewRequest(Type::DeleteBucket, 0);
  r.mutable_deletebucketrequest()->set_volumename(volume);
  r.mutable_deletebucketrequest()->set_bucketname(bucket);
  return r;
}

OMRequest InfoBucket(const std::string& volume, const std::string& bucket) {
  OMRequest r = NewRequest(Type::InfoBucket, 0);
  r.mutable_infobucketrequest()->set_volumename(volume);
  r.mutable_infobucketrequest()->set_bucketname(bucket);
  return r;
}

OMRequest CreateKey(const std::string& volume, const std::string& bucket, const std::string& key,
                    uint64_t size, uint64_t call) {
  OMRequest r = NewRequest(Type::CreateKey, call);
  KeyArgs* a = Args(r.mutable_createkeyrequest()->mutable_keyargs(), volume, bucket, key);
  a->set_datasize(size);
  return r;
}

OMRequest CommitKey(const std::string& volume, const std::string& bucket, const std::string& key,
                    uint64_t client_id, const KeyInfo& open, uint64_t size, uint64_t call) {
  OMRequest r = NewRequest(Type::CommitKey, call);
  r.mutable_commitkeyrequest()->set_clientid(client_id);
  KeyArgs* a = Args(r.mutable_commitkeyrequest()->mutable_keyargs(), volume, bucket, key);
  a->set_datasize(size);
  uint64_t left = size;
  for (const auto& list : open.keylocationlist()) {
    for (const auto& loc : list.keylocations()) {
      if (left == 0) break;
      KeyLocation* l = a->add_keylocations();
      *l = loc;
      l->set_length(std::min<uint64_t>(left, loc.length()));
      left -= l->length();
    }
  }
  return r;
}

OMRequest LookupKey(const std::string& volume, const std::string& bucket,
                    const std::string& key) {
  OMRequest r = NewRequest(Type::LookupKey, 0);
  Args(r.mutable_lookupkeyrequest()->mutable_keyargs(), volume, bucket, key);
  return r;
}

OMRequest DeleteKey(const std::string& volume, const std::string& bucket,
                    const std::string& key) {
  OMRequest r = NewRequest(Type::DeleteKey, 0);
  Args(r.mutable_deletekeyrequest()->mutable_keyargs(), volume, bucket, key);
  return r;
}

OMRequest ListKeys(const std::string& volume, const std::string& bucket,
                   const std::string& prefix, const std::string& start, int count) {
  OMRequest r = NewRequest(Type::ListKeys, 0);
  auto* q = r.mutable_listkeysrequest();
  q->set_volumename(volume);
  q->set_bucketname(bucket);
  if (!prefix.empty()) q->set_prefix(prefix);
  if (!start.empty()) q->set_startkey(start);
  if (count > 0) q->set_count(count);
  return r;
}

Result<OMResponse> PutKey(OmTestCluster& cluster, const std::string& volume,
                          const std::string& bucket, const std::string& key, uint64_t size) {
  OZ_ASSIGN_OR_RETURN(OMResponse opened, cluster.Submit(CreateKey(volume, bucket, key, size)));
  if (opened.status() != OK) return opened;
  const auto& created = opened.createkeyresponse();
  return cluster.Submit(
      CommitKey(volume, bucket, key, created.id(), created.keyinfo(), size));
}

Result<std::string> DumpDb(const storage::DBStore& db) {
  std::string out;
  for (const std::string& name : db.ColumnFamilyNames()) {
    OZ_ASSIGN_OR_RETURN(storage::RawTable * table, db.Table(name));
    auto it = table->NewIterator();
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.append(name).append("\t").append(it->key()).append("\t").append(it->value());
      out.append("\n");
    }
    OZ_RETURN_IF_ERROR(it->status());
  }
  return out;
}

}  // namespace ozone::om::testing
