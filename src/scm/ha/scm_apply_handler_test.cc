#include "scm/ha/scm_apply_handler.h"

#include <gtest/gtest.h>

#include "scm/ha/testing/scm_test_env.h"
#include "scm/metadata/scm_codecs.h"
#include "scm/metadata/scm_db_definition.h"
#include "storage/raw_table.h"
#include "tests/testutil/subprocess.h"

namespace ozone::scm {
namespace {

using testing::MakeDatanode;
using testing::ReplicatedScm;

hdds::PipelineID PipelineId(int i) {
  return PipelineIdFromUuid(Uuid(0x1111, static_cast<uint64_t>(i)));
}

hdds::ContainerInfoProto Container(int64_t id, int pipeline = 1) {
  hdds::ContainerInfoProto c;
  c.set_containerid(id);
  c.set_state(hdds::OPEN);
  *c.mutable_pipelineid() = PipelineId(pipeline);
  c.set_usedbytes(0);
  c.set_numberofkeys(0);
  c.set_stateentertime(1'600'000'000'000 + id);
  c.set_owner("om1");
  c.set_replicationtype(hdds::RATIS);
  c.set_replicationfactor(hdds::THREE);
  return c;
}

hdds::Pipeline Pipeline(int i) {
  hdds::Pipeline p;
  *p.mutable_id() = PipelineId(i);
  p.set_state(hdds::PIPELINE_ALLOCATED);
  p.set_type(hdds::RATIS);
  p.set_factor(hdds::THREE);
  for (int m = 1; m <= 3; ++m) *p.add_members() = MakeDatanode(m);
  p.set_creationtimestamp(1'600'000'000'000);
  return p;
}

ScmRaftRequest AddContainer(int64_t id, int pipeline = 1) {
  ScmRaftRequest r;
  *r.mutable_addcontainer()->mutable_container() = Container(id, pipeline);
  return r;
}
ScmRaftRequest UpdateState(int64_t id, LifeCycleEvent e) {
  ScmRaftRequest r;
  r.mutable_updatecontainerstate()->set_containerid(id);
  r.mutable_updatecontainerstate()->set_event(e);
  return r;
}
ScmRaftRequest UpdateInfo(int64_t id, uint64_t used, uint64_t keys) {
  ScmRaftRequest r;
  hdds::ContainerInfoProto c = Container(id);
  c.set_usedbytes(used);
  c.set_numberofkeys(keys);
  c.set_sequenceid(7);
  c.set_state(hdds::DELETED);  // ignored: UpdateContainerInfo does not change the state
  *r.mutable_updatecontainerinfo()->mutable_container() = c;
  return r;
}
ScmRaftRequest RemoveContainer(int64_t id) {
  ScmRaftRequest r;
  r.mutable_removecontainer()->set_containerid(id);
  return r;
}
ScmRaftRequest AddPipeline(int i) {
  ScmRaftRequest r;
  *r.mutable_addpipeline()->mutable_pipeline() = Pipeline(i);
  return r;
}
ScmRaftRequest UpdatePipeline(int i, hdds::PipelineState s) {
  ScmRaftRequest r;
  *r.mutable_updatepipelinestate()->mutable_pipelineid() = PipelineId(i);
  r.mutable_updatepipelinestate()->set_state(s);
  return r;
}
ScmRaftRequest RemovePipeline(int i) {
  ScmRaftRequest r;
  *r.mutable_removepipeline()->mutable_pipelineid() = PipelineId(i);
  return r;
}
ScmRaftRequest AddTxs(int64_t first, int n, int64_t container) {
  ScmRaftRequest r;
  for (int i = 0; i < n; ++i) {
    auto* tx = r.mutable_adddeletedblocktransactions()->add_transactions();
    tx->set_txid(first + i);
    tx->set_containerid(container);
    tx->add_localid(100 + i);
    tx->add_localid(200 + i);
    tx->set_count(5);  // not stored
  }
  return r;
}
ScmRaftRequest RemoveTxs(std::vector<int64_t> ids) {
  ScmRaftRequest r;
  for (int64_t id : ids) r.mutable_removedeletedblocktransactions()->add_txids(id);
  return r;
}
ScmRaftRequest Allocate(const std::string& name, uint64_t expected, uint64_t next) {
  ScmRaftRequest r;
  r.mutable_allocatesequencebatch()->set_name(name);
  r.mutable_allocatesequencebatch()->set_expectedlastid(expected);
  r.mutable_allocatesequencebatch()->set_newlastid(next);
  return r;
}
ScmRaftRequest SaveConfig(const std::string& name, const std::string& config) {
  ScmRaftRequest r;
  r.mutable_saveserviceconfiguration()->set_servicename(name);
  r.mutable_saveserviceconfiguration()->set_configuration(config);
  return r;
}
ScmRaftRequest DeleteConfig(const std::string& name) {
  ScmRaftRequest r;
  r.mutable_deleteserviceconfiguration()->set_servicename(name);
  return r;
}

// Applies a request through the log stand-in and decodes the response.
ScmRaftResponse Apply(ReplicatedScm& scm, const ScmRaftRequest& r) {
  Result<std::string> out = scm.log().Submit(r.SerializeAsString());
  EXPECT_TRUE(out.ok()) << out.status();
  ScmRaftResponse response;
  EXPECT_TRUE(out.ok() && response.ParseFromString(*out));
  return response;
}

std::optional<ScmResultCode> ErrorOf(const ScmRaftResponse& r) {
  if (!r.has_error()) return std::nullopt;
  return r.error().code();
}

// A sequence touching every request type, with domain failures in between.
std::vector<ScmRaftRequest> Workload() {
  std::vector<ScmRaftRequest> w;
  w.push_back(Allocate("containerId", 0, 1000));
  w.push_back(Allocate("containerId", 0, 2000));  // refused: stale CAS
  w.push_back(Allocate("localId", 0, 5000));
  w.push_back(AddPipeline(1));
  w.push_back(AddPipeline(2));
  w.push_back(AddPipeline(1));  // DUPLICATED_PIPELINE_ID
  w.push_back(UpdatePipeline(1, hdds::PIPELINE_OPEN));
  w.push_back(UpdatePipeline(2, hdds::PIPELINE_DORMANT));  // INVALID_PIPELINE_STATE
  for (int64_t id = 1; id <= 5; ++id) w.push_back(AddContainer(id));
  w.push_back(AddContainer(3));  // CONTAINER_EXISTS
  w.push_back(UpdateState(1, FINALIZE));
  w.push_back(UpdateState(1, CLOSE));
  w.push_back(UpdateState(2, FINALIZE));
  w.push_back(UpdateState(2, QUASI_CLOSE));
  w.push_back(UpdateState(2, FORCE_CLOSE));
  w.push_back(UpdateState(3, CLOSE));  // UNEXPECTED_CONTAINER_STATE
  w.push_back(UpdateState(9, CLOSE));  // FAILED_TO_FIND_CONTAINER
  w.push_back(UpdateInfo(4, 4096, 3));
  w.push_back(UpdateState(1, DELETE));
  w.push_back(UpdateState(1, CLEANUP));
  w.push_back(RemoveContainer(5));
  w.push_back(RemoveContainer(5));  // FAILED_TO_FIND_CONTAINER
  w.push_back(AddTxs(1, 10, 2));
  w.push_back(RemoveTxs({2, 4, 99}));
  w.push_back(AddTxs(11, 2, 3));
  w.push_back(SaveConfig("ContainerBalancer", std::string("\x90\x01\x01", 3)));
  w.push_back(SaveConfig("Other", "x"));
  w.push_back(DeleteConfig("Other"));
  w.push_back(UpdatePipeline(2, hdds::PIPELINE_CLOSED));
  w.push_back(RemovePipeline(2));
  w.push_back(RemovePipeline(2));  // FAILED_TO_FIND_PIPELINE
  return w;
}

// Every key and value of every column family of scm.db, in order.
std::map<std::string, std::vector<std::pair<std::string, std::string>>> Dump(storage::DBStore& db) {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> out;
  for (const auto& name : db.ColumnFamilyNames()) {
    auto table = db.Table(name);
    EXPECT_TRUE(table.ok());
    auto it = (*table)->NewIterator();
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out[name].emplace_back(std::string(it->key()), std::string(it->value()));
    }
  }
  return out;
}

// The in-memory read path of a replicated state, as text.
std::string Memory(ReplicatedScm& scm) {
  std::string s;
  for (const auto& c : scm.containers.List(0, SIZE_MAX)) s += c.ShortDebugString() + "\n";
  for (const auto& p : scm.pipelines.List()) s += p.ShortDebugString() + "\n";
  for (const auto& tx : scm.deleted_blocks.Scan(0, SIZE_MAX)) s += tx.ShortDebugString() + "\n";
  auto summary = scm.deleted_blocks.Summary();
  s += std::to_string(summary.transactions) + "/" + std::to_string(summary.blocks) + "\n";
  for (const char* name : {"containerId", "localId", "delTxnId"}) {
    s += std::string(name) + "=" + std::to_string(scm.sequence_ids.LastId(name)) + "\n";
  }
  for (auto state : {hdds::OPEN, hdds::CLOSING, hdds::QUASI_CLOSED, hdds::CLOSED, hdds::DELETING,
                     hdds::DELETED}) {
    s += std::to_string(scm.containers.CountInState(state)) + " ";
  }
  return s;
}

class ScmApplyHandlerTest : public ::testing::Test {
 protected:
  testutil::TempDir tmp_;
  ReplicatedScm scm_{tmp_.Sub("scm.db")};
};

TEST_F(ScmApplyHandlerTest, ContainersFollowTheirLifecycle) {
  EXPECT_FALSE(ErrorOf(Apply(scm_, AddContainer(1))));
  EXPECT_EQ(ErrorOf(Apply(scm_, AddContainer(1))), CONTAINER_EXISTS);
  EXPECT_EQ(scm_.containers.Get(1)->state(), hdds::OPEN);
  EXPECT_EQ(scm_.containers.OpenContainersOf(PipelineId(1)).size(), 1u);

  EXPECT_EQ(ErrorOf(Apply(scm_, UpdateState(1, CLOSE))), UNEXPECTED_CONTAINER_STATE);
  EXPECT_FALSE(ErrorOf(Apply(scm_, UpdateState(1, FINALIZE))));
  EXPECT_EQ(scm_.containers.Get(1)->state(), hdds::CLOSING);
  EXPECT_TRUE(scm_.containers.OpenContainersOf(PipelineId(1)).empty());
  EXPECT_FALSE(ErrorOf(Apply(scm_, UpdateState(1, CLOSE))));
  EXPECT_FALSE(ErrorOf(Apply(scm_, UpdateState(1, DELETE))));
  EXPECT_FALSE(ErrorOf(Apply(scm_, UpdateState(1, CLEANUP))));
  EXPECT_EQ(scm_.containers.Get(1)->state(), hdds::DELETED);
  // stateEnterTime is the leader's and stays.
  EXPECT_EQ(scm_.containers.Get(1)->stateentertime(), 1'600'000'000'001);

  EXPECT_EQ(ErrorOf(Apply(scm_, UpdateState(42, FINALIZE))), FAILED_TO_FIND_CONTAINER);
  EXPECT_EQ(ErrorOf(Apply(scm_, UpdateInfo(42, 1, 1))), FAILED_TO_FIND_CONTAINER);
  EXPECT_EQ(ErrorOf(Apply(scm_, RemoveContainer(42))), FAILED_TO_FIND_CONTAINER);
  EXPECT_FALSE(ErrorOf(Apply(scm_, RemoveContainer(1))));
  EXPECT_FALSE(scm_.containers.Get(1));
  EXPECT_EQ(scm_.containers.Count(), 0u);
}

TEST_F(ScmApplyHandlerTest, UpdateContainerInfoKeepsTheState) {
  Apply(scm_, AddContainer(3));
  const uint64_t version = scm_.containers.version();
  EXPECT_FALSE(ErrorOf(Apply(scm_, UpdateInfo(3, 1 << 20, 12))));
  auto c = scm_.containers.Get(3);
  EXPECT_EQ(c->state(), hdds::OPEN);
  EXPECT_EQ(c->usedbytes(), 1u << 20);
  EXPECT_EQ(c->numberofkeys(), 12u);
  EXPECT_EQ(c->sequenceid(), 7);
  EXPECT_EQ(scm_.containers.version(), version);  // open containers did not change
}

TEST_F(ScmApplyHandlerTest, PipelinesAndTheirStates) {
  EXPECT_FALSE(ErrorOf(Apply(scm_, AddPipeline(1))));
  EXPECT_EQ(ErrorOf(Apply(scm_, AddPipeline(1))), DUPLICATED_PIPELINE_ID);
  EXPECT_EQ(ErrorOf(Apply(scm_, UpdatePipeline(1, hdds::PIPELINE_DORMANT))),
            INVALID_PIPELINE_STATE);
  EXPECT_FALSE(ErrorOf(Apply(scm_, UpdatePipeline(1, hdds::PIPELINE_OPEN))));
  EXPECT_FALSE(ErrorOf(Apply(scm_, UpdatePipeline(1, hdds::PIPELINE_OPEN))));  // no-op
  EXPECT_EQ(scm_.pipelines.Get(PipelineId(1))->state(), hdds::PIPELINE_OPEN);
  EXPECT_EQ(scm_.pipelines.PipelinesOf(MakeDatanode(2).uuid()).size(), 1u);
  EXPECT_TRUE(scm_.pipelines.PipelinesOf(MakeDatanode(4).uuid()).empty());
  EXPECT_FALSE(ErrorOf(Apply(scm_, UpdatePipeline(1, hdds::PIPELINE_CLOSED))));
  EXPECT_EQ(ErrorOf(Apply(scm_, UpdatePipeline(1, hdds::PIPELINE_OPEN))), INVALID_PIPELINE_STATE);
  EXPECT_EQ(ErrorOf(Apply(scm_, UpdatePipeline(7, hdds::PIPELINE_OPEN))), FAILED_TO_FIND_PIPELINE);
  EXPECT_FALSE(ErrorOf(Apply(scm_, RemovePipeline(1))));
  EXPECT_EQ(ErrorOf(Apply(scm_, RemovePipeline(1))), FAILED_TO_FIND_PIPELINE);
  EXPECT_EQ(scm_.pipelines.Count(), 0u);
}

TEST_F(ScmApplyHandlerTest, DeletedBlockTransactions) {
  EXPECT_FALSE(ErrorOf(Apply(scm_, AddTxs(1, 3, 7))));
  EXPECT_EQ(scm_.deleted_blocks.Summary().transactions, 3u);
  EXPECT_EQ(scm_.deleted_blocks.Summary().blocks, 6u);
  EXPECT_EQ(scm_.deleted_blocks.Get(2)->count(), 0);  // retries are not replicated
  EXPECT_FALSE(ErrorOf(Apply(scm_, RemoveTxs({1, 3, 77}))));
  EXPECT_EQ(scm_.deleted_blocks.Summary().transactions, 1u);
  EXPECT_EQ(scm_.deleted_blocks.Summary().blocks, 2u);
  EXPECT_FALSE(scm_.deleted_blocks.Get(1));
  EXPECT_EQ(ErrorOf(Apply(scm_, AddTxs(0, 1, 7))), INVALID_ARGUMENT);
  EXPECT_EQ(scm_.deleted_blocks.Summary().transactions, 1u);
}

TEST_F(ScmApplyHandlerTest, ScansGoRoundRobin) {
  Apply(scm_, AddTxs(1, 5, 7));
  std::vector<int64_t> ids;
  for (const auto& tx : scm_.deleted_blocks.Scan(3, 4)) ids.push_back(tx.txid());
  EXPECT_EQ(ids, (std::vector<int64_t>{4, 5, 1, 2}));
}

TEST_F(ScmApplyHandlerTest, SequenceBatchesAreCompareAndSet) {
  EXPECT_TRUE(Apply(scm_, Allocate("localId", 0, 100)).allocated());
  EXPECT_FALSE(Apply(scm_, Allocate("localId", 0, 200)).allocated());
  EXPECT_TRUE(Apply(scm_, Allocate("localId", 100, 200)).allocated());
  EXPECT_EQ(scm_.sequence_ids.LastId("localId"), 200u);
}

TEST_F(ScmApplyHandlerTest, ServiceConfigurationsAreFlushedAtOnce) {
  Apply(scm_, SaveConfig("ContainerBalancer", "abc"));
  auto table = scm_.db()->Table(kStatefulServiceConfig.name);
  EXPECT_EQ(*(*table)->Get("ContainerBalancer"), "abc");
  Apply(scm_, DeleteConfig("ContainerBalancer"));
  EXPECT_EQ(*(*table)->Get("ContainerBalancer"), std::nullopt);
}

TEST_F(ScmApplyHandlerTest, UndecodableEntriesAndUnknownVersionsAreFatal) {
  EXPECT_TRUE(scm_.log().Submit("\xff\xff\xff garbage").status().IsCorruption());
  ScmRaftRequest newer = AddContainer(1);
  newer.set_version(kScmRequestVersion + 1);
  EXPECT_TRUE(scm_.log().Submit(newer.SerializeAsString()).status().code() ==
              Status::Code::kNotSupported);
  ScmRaftRequest empty;
  EXPECT_TRUE(scm_.log().Submit(empty.SerializeAsString()).status().code() ==
              Status::Code::kNotSupported);
  // A required field missing does not decode either.
  ScmRaftRequest partial;
  partial.mutable_removecontainer();
  EXPECT_TRUE(scm_.log().Submit(partial.SerializePartialAsString()).status().IsCorruption());
  EXPECT_FALSE(scm_.containers.Get(1));
}

TEST_F(ScmApplyHandlerTest, DomainFailuresAreCommittedResults) {
  Apply(scm_, AddContainer(1));
  LogIndex before = scm_.log().last_applied().index;
  EXPECT_EQ(ErrorOf(Apply(scm_, AddContainer(1))), CONTAINER_EXISTS);
  EXPECT_EQ(scm_.log().last_applied().index, before + 1);
}

TEST(ScmApplyDeterminismTest, TwoReplicasEndWithTheSameBytesAndReloadGivesTheSameMemory) {
  testutil::TempDir tmp;
  ReplicatedScm a(tmp.Sub("a.db"));
  ReplicatedScm b(tmp.Sub("b.db"));
  std::vector<std::string> responses_a, responses_b;
  for (const auto& r : Workload()) {
    responses_a.push_back(*a.log().Submit(r.SerializeAsString()));
    responses_b.push_back(*b.log().Submit(r.SerializeAsString()));
  }
  EXPECT_EQ(responses_a, responses_b);
  auto dump_a = Dump(*a.db());
  EXPECT_EQ(dump_a, Dump(*b.db()));
  for (const char* cf : {"containers", "pipelines", "deletedBlocks", "sequenceId",
                         "statefulServiceConfig", "scmTransactionInfos"}) {
    EXPECT_FALSE(dump_a[cf].empty()) << cf;
  }
  EXPECT_EQ(Memory(a), Memory(b));

  // A fresh state loaded from a's database has the same memory.
  const std::string memory = Memory(a);
  ASSERT_TRUE(a.handler.Reload(*a.db()).ok());
  EXPECT_EQ(Memory(a), memory);
  ReplicatedScm reopened(tmp.Sub("c.db"));
  ASSERT_TRUE(reopened.handler.Reload(*a.db()).ok());
  EXPECT_EQ(Memory(reopened), memory);
}

}  // namespace
}  // namespace ozone::scm
