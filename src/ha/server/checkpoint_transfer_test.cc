// Checkpoint transfer over gRPC on 127.0.0.1: CheckpointTransferService (through
// CheckpointTransferServer) serving a DbStateMachine's checkpoints, MakeGrpcCheckpointFetcher
// downloading them, and DbStateMachine::InstallSnapshot putting them in place.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "ha/checkpoint_fetcher.h"
#include "ha/db_state_machine.h"
#include "ha/raft/log/crc32c.h"
#include "ha/server/checkpoint_transfer_server.h"
#include "ha/server/checkpoint_transfer_service.h"
#include "ha/testing/kv_apply_handler.h"
#include "tests/testutil/subprocess.h"

namespace ozone::ha {
namespace {

namespace fs = std::filesystem;
using testing::KvApplyHandler;
using testing::ReadKvTable;

constexpr char kCluster[] = "CID-1";

raft::Entry Normal(uint64_t index, std::string command) {
  return raft::Entry{Term(1), LogIndex(index), raft::EntryType::kNormal,
                     raft::MakePayload(std::move(command))};
}

// A server that streams the chunks it is given, to feed the fetcher bad streams.
class ScriptedService final : public CheckpointTransfer::Service {
 public:
  explicit ScriptedService(std::vector<CheckpointChunk> chunks) : chunks_(std::move(chunks)) {}
  grpc::Status Download(grpc::ServerContext*, const CheckpointRequest*,
                        grpc::ServerWriter<CheckpointChunk>* writer) override {
    for (const auto& c : chunks_) writer->Write(c);
    return grpc::Status::OK;
  }

 private:
  std::vector<CheckpointChunk> chunks_;
};

CheckpointChunk Chunk(const std::string& file, uint64_t offset, const std::string& data,
                      bool last_of_file, bool eof, bool with_ti) {
  CheckpointChunk c;
  c.set_clusterid(kCluster);
  c.set_filename(file);
  c.set_offset(offset);
  c.set_data(data);
  c.set_lastoffile(last_of_file);
  c.set_eof(eof);
  c.set_checksum(raft::crc32c::Value(data.data(), data.size()));
  if (with_ti) {
    c.mutable_transactioninfo()->set_term(1);
    c.mutable_transactioninfo()->set_transactionindex(1000);
  }
  return c;
}

class CheckpointTransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    leader_ = OpenSm("leader", nullptr, &leader_handler_);
    for (uint64_t i = 1; i <= 300; ++i) {
      ASSERT_TRUE(leader_
                      ->Apply(Normal(
                          i, "put key" + std::to_string(i) + " " + std::string(100, 'a' + i % 26)))
                      .ok());
    }
  }

  std::unique_ptr<DbStateMachine> OpenSm(const std::string& name,
                                         std::unique_ptr<CheckpointFetcher> fetcher,
                                         KvApplyHandler* handler) {
    DbStateMachineOptions o;
    o.db_path = tmp_.Sub(name + "/kv.db");
    o.definition = &testing::KvDbDefinition();
    o.transaction_info_table = testing::kKvTransactionInfoTable;
    o.sync = false;
    o.on_fatal = [](const Status& s) { ADD_FAILURE() << "fatal: " << s; };
    auto sm = DbStateMachine::Open(o, handler, std::move(fetcher));
    EXPECT_TRUE(sm.ok()) << sm.status();
    return std::move(sm).value();
  }

  void Serve(size_t chunk_size) {
    CheckpointTransferOptions o;
    o.cluster_id = kCluster;
    o.create_checkpoint = [this](const std::string& dir) { return leader_->CreateCheckpoint(dir); };
    o.scratch_dir = leader_->snapshot_dir();
    o.chunk_size = chunk_size;
    auto server = CheckpointTransferServer::Start("127.0.0.1:0", o);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server).value();
    port_ = server_->port();
  }

  void ServeScript(std::vector<CheckpointChunk> chunks) {
    scripted_ = std::make_unique<ScriptedService>(std::move(chunks));
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(scripted_.get());
    scripted_server_ = builder.BuildAndStart();
    ASSERT_NE(scripted_server_, nullptr);
  }

  std::unique_ptr<CheckpointFetcher> Fetcher(const std::string& cluster = kCluster) {
    GrpcCheckpointFetcherOptions o;
    o.address_of = [this](const raft::PeerInfo&) -> Result<std::string> {
      return "127.0.0.1:" + std::to_string(port_);
    };
    o.cluster_id = cluster;
    o.deadline = std::chrono::seconds(30);
    return MakeGrpcCheckpointFetcher(o);
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (scripted_server_) scripted_server_->Shutdown(std::chrono::system_clock::now());
  }

  static raft::PeerInfo Leader() { return raft::PeerInfo{"leader", "ratis-address", {}}; }

  testutil::TempDir tmp_;
  KvApplyHandler leader_handler_;
  std::unique_ptr<DbStateMachine> leader_;
  std::unique_ptr<CheckpointTransferServer> server_;
  std::unique_ptr<ScriptedService> scripted_;
  std::unique_ptr<grpc::Server> scripted_server_;
  int port_ = 0;
};

TEST_F(CheckpointTransferTest, InstallsTheLeadersCheckpointOnAnotherStateMachine) {
  Serve(/*chunk_size=*/4096);  // many chunks per file
  KvApplyHandler fh;
  auto follower = OpenSm("follower", Fetcher(), &fh);
  ASSERT_TRUE(follower->Apply(Normal(1, "put mine 1")).ok());

  Status s = follower->InstallSnapshot(raft::SnapshotMeta{LogIndex(250), Term(1), {}}, Leader());
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(follower->applied(), leader_->flushed());
  EXPECT_EQ(follower->applied().index, LogIndex(300));
  EXPECT_EQ(*ReadKvTable(*follower->db()), *ReadKvTable(*leader_->db()));
  EXPECT_EQ(fh.data(), leader_handler_.data());
  EXPECT_EQ(fh.Get("mine"), std::nullopt);
  // Neither side keeps anything: the server removed its checkpoint, the follower its backup.
  EXPECT_TRUE(fs::is_empty(leader_->snapshot_dir()));
  EXPECT_TRUE(fs::is_empty(follower->snapshot_dir()));
}

TEST_F(CheckpointTransferTest, FetchWritesTheFilesAndReturnsTheTransactionInfo) {
  Serve(size_t{1} << 20);
  std::string dest = tmp_.Sub("download");
  Result<TransactionInfo> ti = Fetcher()->Fetch(Leader(), dest);
  ASSERT_TRUE(ti.ok()) << ti.status();
  EXPECT_EQ(*ti, (TransactionInfo{Term(1), LogIndex(300)}));
  auto db = storage::DBStore::Open(dest, testing::KvDbDefinition());
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*ReadKvTable(**db)).size(), 300u);
  // An existing destination is refused.
  EXPECT_TRUE(Fetcher()->Fetch(Leader(), dest).status().IsAlreadyExists());
}

TEST_F(CheckpointTransferTest, AnOlderCheckpointIsRefused) {
  Serve(size_t{1} << 20);
  KvApplyHandler fh;
  auto follower = OpenSm("follower", Fetcher(), &fh);
  for (uint64_t i = 1; i <= 310; ++i) ASSERT_TRUE(follower->Apply(Normal(i, "put f 1")).ok());
  Status s = follower->InstallSnapshot(raft::SnapshotMeta{LogIndex(300), Term(1), {}}, Leader());
  EXPECT_EQ(s.code(), Status::Code::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("checkpoint is too old to install"), std::string::npos) << s;
  EXPECT_EQ(follower->applied().index, LogIndex(310));
  EXPECT_EQ(fh.Get("f"), "1");
  EXPECT_TRUE(fs::is_empty(follower->snapshot_dir()));
}

TEST_F(CheckpointTransferTest, ARequestOfAnotherClusterIsRefused) {
  Serve(size_t{1} << 20);
  std::string dest = tmp_.Sub("download");
  Result<TransactionInfo> ti = Fetcher("CID-other")->Fetch(Leader(), dest);
  EXPECT_EQ(ti.status().code(), Status::Code::kFailedPrecondition) << ti.status();
  EXPECT_NE(ti.status().message().find("cluster id mismatch"), std::string::npos);
  EXPECT_FALSE(fs::exists(dest));
}

TEST_F(CheckpointTransferTest, ACorruptedChunkIsRefusedAndTheDatabaseKept) {
  CheckpointChunk bad = Chunk("CURRENT", 0, "MANIFEST-000001\n", true, true, true);
  bad.set_checksum(bad.checksum() ^ 1);
  ServeScript({bad});
  KvApplyHandler fh;
  auto follower = OpenSm("follower", Fetcher(), &fh);
  ASSERT_TRUE(follower->Apply(Normal(1, "put mine 1")).ok());
  Status s = follower->InstallSnapshot(raft::SnapshotMeta{LogIndex(10), Term(1), {}}, Leader());
  EXPECT_TRUE(s.IsCorruption()) << s;
  EXPECT_NE(s.message().find("checksum mismatch"), std::string::npos) << s;
  EXPECT_EQ(follower->applied().index, LogIndex(1));
  EXPECT_EQ(fh.Get("mine"), "1");
  EXPECT_TRUE(fs::is_empty(follower->snapshot_dir()));
}

TEST_F(CheckpointTransferTest, ChunksOfAnotherClusterAreRefused) {
  CheckpointChunk c = Chunk("CURRENT", 0, "x", true, true, true);
  c.set_clusterid("CID-other");
  ServeScript({c});
  std::string dest = tmp_.Sub("download");
  Result<TransactionInfo> ti = Fetcher()->Fetch(Leader(), dest);
  EXPECT_NE(ti.status().message().find("cluster id mismatch"), std::string::npos) << ti.status();
  EXPECT_FALSE(fs::exists(dest));
}

TEST_F(CheckpointTransferTest, BadStreamsAreRefused) {
  struct Case {
    std::string name;
    std::vector<CheckpointChunk> chunks;
  };
  std::vector<Case> cases = {
      {"no TransactionInfo", {Chunk("CURRENT", 0, "x", true, true, false)}},
      {"ends early", {Chunk("a", 0, "x", true, false, true)}},
      {"leaves the directory", {Chunk("../evil", 0, "x", true, true, true)}},
      {"absolute name", {Chunk("/tmp/evil", 0, "x", true, true, true)}},
      {"a gap", {Chunk("a", 0, "xx", false, false, true), Chunk("a", 5, "y", true, true, false)}},
      {"a file left open",
       {Chunk("a", 0, "xx", false, false, true), Chunk("b", 0, "y", true, true, false)}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name);
    if (scripted_server_) scripted_server_->Shutdown(std::chrono::system_clock::now());
    ServeScript(cases[i].chunks);
    std::string dest = tmp_.Sub("download" + std::to_string(i));
    Result<TransactionInfo> ti = Fetcher()->Fetch(Leader(), dest);
    EXPECT_FALSE(ti.ok());
    EXPECT_FALSE(fs::exists(dest));
  }
  EXPECT_FALSE(fs::exists(tmp_.Sub("evil")));
}

TEST_F(CheckpointTransferTest, AnUnreachableLeaderIsAnError) {
  Serve(size_t{1} << 20);
  server_->Stop();
  KvApplyHandler fh;
  auto follower = OpenSm("follower", Fetcher(), &fh);
  Status s = follower->InstallSnapshot(raft::SnapshotMeta{LogIndex(10), Term(1), {}}, Leader());
  EXPECT_TRUE(s.IsUnavailable()) << s;
  EXPECT_TRUE(fs::is_empty(follower->snapshot_dir()));
}

}  // namespace
}  // namespace ozone::ha
