// OmTestCluster: OM replicas for tests, without Raft: each replica is an OmReplicatedState with
// om.db opened through a double-buffered ha::DbStateMachine in its own directory, and one
// ha::testing::LogReplicator is the ring's log: writes go through the leader's OmExecutionFlow,
// are applied on the leader at once, and followers apply the log when told (CatchUp). A failover
// makes another replica the leader of the next term; Restart reopens a replica from its disk
// (what was not flushed is replayed from the log, as after a crash).
//
// Request builders (CreateVolume, ...) make the OMRequests a client would send.
//
// Thread-safety: as the parts; tests drive it from their threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "ha/testing/log_replicator.h"
#include "om/ha/om_replicated_state.h"
#include "om/om_execution_flow.h"
#include "om/testing/fake_scm_client.h"

namespace ozone::om::testing {

class OmTestCluster {
 public:
  // `replicas` OMs under `dir`; replica 0 leads term 1. `clock` must outlive the cluster.
  OmTestCluster(const std::string& dir, int replicas, OmOptions options, const Clock* clock,
                bool sync = false);
  ~OmTestCluster();

  OmReplicatedState& state(int i) { return *replicas_[i]->state; }
  ha::DbStateMachine& sm(int i) { return *replicas_[i]->sm; }
  OmExecutionFlow& flow(int i) { return *replicas_[i]->flow; }
  ha::testing::LogReplicator& log() { return *log_; }
  FakeScmClient& scm() { return scm_; }
  const std::string& db_path(int i) const { return replicas_[i]->db_path; }
  int leader() const { return leader_; }

  // Submits through the leader's flow.
  Result<OMResponse> Submit(OMRequest request) { return flow(leader_).Submit(std::move(request)); }

  ozone::Status CatchUp(int i);
  // Replica i catches up and leads the next term.
  ozone::Status Failover(int i);
  // Replica i's state machine is closed without a final flush and reopened (`cancel_prepare`:
  // as `ozone om --upgrade` starts it).
  ozone::Status Restart(int i, bool flush_first = false, bool cancel_prepare = false);
  // Flushes every replica (so their om.db can be compared).
  ozone::Status FlushAll();

 private:
  struct Replica {
    std::string db_path;
    std::unique_ptr<OmReplicatedState> state;
    std::unique_ptr<ha::DbStateMachine> sm;
    std::unique_ptr<OmExecutionFlow> flow;
  };
  ozone::Status Open(Replica& r, bool cancel_prepare = false);

  OmOptions options_;
  const Clock* clock_;
  bool sync_;
  FakeScmClient scm_;
  std::vector<std::unique_ptr<Replica>> replicas_;
  std::unique_ptr<ha::testing::LogReplicator> log_;
  int leader_ = 0;
};

// OMRequests as a client sends them (clientId "test-client", callId = `call`, when nonzero).
OMRequest CreateVolume(const std::string& volume, const std::string& owner = "hadoop",
                       uint64_t call = 0);
OMRequest DeleteVolume(const std::string& volume);
OMRequest InfoVolume(const std::string& volume);
OMRequest CreateBucket(const std::string& volume, const std::string& bucket, uint64_t call = 0);
OMRequest DeleteBucket(const std::string& volume, const std::string& bucket);
OMRequest InfoBucket(const std::string& volume, const std::string& bucket);
OMRequest CreateKey(const std::string& volume, const std::string& bucket, const std::string& key,
                    uint64_t size = 0, uint64_t call = 0);
// Commits the open key `client_id` with its blocks and `size`.
OMRequest CommitKey(const std::string& volume, const std::string& bucket, const std::string& key,
                    uint64_t client_id, const KeyInfo& open, uint64_t size, uint64_t call = 0);
OMRequest LookupKey(const std::string& volume, const std::string& bucket, const std::string& key);
OMRequest DeleteKey(const std::string& volume, const std::string& bucket, const std::string& key);
OMRequest ListKeys(const std::string& volume, const std::string& bucket,
                   const std::string& prefix = "", const std::string& start = "",
                   int count = 0);

// Opens and commits a key of `size` bytes (CreateKey + CommitKey); the commit's response.
Result<OMResponse> PutKey(OmTestCluster& cluster, const std::string& volume,
                          const std::string& bucket, const std::string& key, uint64_t size = 0);

// Every row of every table of `db`, as "table\tkey\tvalue" lines (bytes as they are): equal
// strings mean equal databases.
Result<std::string> DumpDb(const storage::DBStore& db);

}  // namespace ozone::om::testing
