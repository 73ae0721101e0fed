// SCM HA with bad input (issue 4, "Must hold"): garbage and unknown requests on every port of a
// running ring, requests sent to followers, and `ozone scm --bootstrap` against another cluster
// or against nothing: each gets a clear error, no process crashes, nothing is written.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "common/uuid.h"
#include "rpc/failover_client.h"
#include "scm.pb.h"
#include "tests/integration/scm_cluster.h"
#include "tests/testutil/raw_grpc_call.h"

namespace ozone::integration {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Writes `bytes` on a plain TCP connection to 127.0.0.1:`port` (not HTTP/2 at all) and closes it.
void WriteGarbage(int port, const std::string& bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    (void)n;
  }
  ::close(fd);
}

std::string Address(int port) { return "127.0.0.1:" + std::to_string(port); }

// Invalid protobuf: a field key whose varint never ends.
const std::string kGarbage = std::string(12, '\xff') + "garbage";

std::vector<std::string> FilesUnder(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ScmBadInputTest, GarbageAndUnknownRequestsGetErrorsAndNoScmCrashes) {
  ScmCluster c;
  ASSERT_TRUE(c.InitAndStartAll().ok());
  Result<int> leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok());
  c.StartDatanodes(3);
  ASSERT_TRUE(c.WaitOutOfSafeMode());

  for (int node = 1; node <= 3; ++node) {
    SCOPED_TRACE(c.NodeId(node));
    // Undecodable request bodies: refused by the RPC layer (INTERNAL, "failed to parse" or the
    // like), never a crash or an OK.
    struct Target {
      int port;
      std::string method;
      bool has_required_fields;  // an empty message is undecodable too
    };
    std::vector<Target> targets = {
        {c.BlockPort(node), "/ozone.scm.ScmBlockLocationProtocol/AllocateScmBlock", true},
        {c.BlockPort(node), "/ozone.scm.ScmBlockLocationProtocol/AllocateScmBlockStream", false},
        {c.BlockPort(node), "/ozone.scm.ScmBlockLocationProtocol/AddScm", true},
        {c.BlockPort(node), "/ozone.scm.ScmBlockLocationProtocol/DeleteScmKeyBlocks", false},
        {c.ClientPort(node), "/ozone.scm.ScmContainerLocationProtocol/ListContainers", false},
        {c.ClientPort(node), "/ozone.scm.ScmContainerLocationProtocol/TransferLeadership", false},
        {c.ClientPort(node), "/ozone.scm.ScmContainerLocationProtocol/StartContainerBalancer",
         false},
        {c.DatanodePort(node), "/ozone.scm.ScmDatanodeProtocol/Register", true},
        {c.DatanodePort(node), "/ozone.scm.ScmDatanodeProtocol/Heartbeat", true},
    };
    for (const Target& t : targets) {
      SCOPED_TRACE(t.method);
      grpc::Status garbage = testutil::RawUnaryCall(Address(t.port), t.method, kGarbage);
      EXPECT_FALSE(garbage.ok());
      EXPECT_NE(garbage.error_code(), grpc::StatusCode::UNAVAILABLE) << garbage.error_message();
      // A well-formed message missing its required fields is as undecodable. (An empty
      // message of the others is a valid request: an empty TransferLeadership picks a random
      // target, as `-r` does.)
      if (t.has_required_fields) {
        grpc::Status empty = testutil::RawUnaryCall(Address(t.port), t.method, "");
        EXPECT_FALSE(empty.ok()) << "an empty request was accepted";
        EXPECT_NE(empty.error_code(), grpc::StatusCode::UNAVAILABLE) << empty.error_message();
      }
    }
    // Unknown methods and services.
    grpc::Status unknown =
        testutil::RawUnaryCall(Address(c.BlockPort(node)), "/ozone.scm.ScmBlockLocationProtocol/NoSuchMethod", "");
    EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNIMPLEMENTED) << unknown.error_message();
    grpc::Status no_service =
        testutil::RawUnaryCall(Address(c.ClientPort(node)), "/ozone.scm.NoSuchService/AllocateScmBlock", kGarbage);
    EXPECT_EQ(no_service.error_code(), grpc::StatusCode::UNIMPLEMENTED);
    // Not even HTTP/2, on every port (the Raft and checkpoint ports too).
    for (int port : {c.RatisPort(node), c.RatisPort(node) + 1, c.BlockPort(node), c.ClientPort(node),
                     c.DatanodePort(node)}) {
      WriteGarbage(port, "GET / HTTP/1.1\r\n\r\n");
      WriteGarbage(port, kGarbage + std::string(100000, 'x'));
    }
  }

  // Well-formed requests with values out of range: domain errors with Ozone's codes.
  auto client = c.Client();
  ASSERT_NE(client, nullptr);
  auto zero = client->AllocateBlocks(0, 1, hdds::RATIS, hdds::THREE, "om");
  EXPECT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("INVALID_BLOCK_SIZE"), std::string::npos)
      << zero.status();
  auto huge = client->AllocateBlocks(uint64_t{1} << 60, 1, hdds::RATIS, hdds::THREE, "om");
  EXPECT_FALSE(huge.ok());
  auto none = client->AllocateBlocks(1024, 0, hdds::RATIS, hdds::THREE, "om");
  EXPECT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("INVALID_ARGUMENT"), std::string::npos) << none.status();
  auto missing = client->GetContainer(-5);
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("FAILED_TO_FIND_CONTAINER"), std::string::npos);
  Status remove = client->RemoveScm("00000000-0000-0000-0000-000000000000");
  EXPECT_FALSE(remove.ok());
  EXPECT_NE(remove.message().find("not in Ratis Peer list"), std::string::npos) << remove;
  auto transfer = client->TransferLeadership("no-such-peer");
  EXPECT_FALSE(transfer.ok());
  scm::StartContainerBalancerRequest bad_balancer;
  bad_balancer.set_threshold(150);
  auto balancer = client->StartContainerBalancer(bad_balancer);
  ASSERT_TRUE(balancer.ok()) << balancer.status();
  EXPECT_FALSE(balancer->start());
  EXPECT_NE(balancer->message().find("Threshold"), std::string::npos) << balancer->message();
  CliResult bad_cli = c.Ozone(1, {"admin", "container", "info", "not-a-number"});
  EXPECT_EQ(bad_cli.code, 2) << bad_cli.err;
  // AddScm from another cluster is refused by the leader, and the ring does not change.
  rpc::FailoverClient block({{"leader", Address(c.BlockPort(*leader))}}, {});
  scm::AddScmRequest add;
  add.set_clusterid("CID-" + Uuid::Random().ToString());
  add.set_scmid(Uuid::Random().ToString());
  add.set_ratisaddress("127.0.0.1:1");
  scm::AddScmResponse added;
  const auto* add_method = scm::ScmRaftRequest::descriptor()
                               ->file()
                               ->FindServiceByName("ScmBlockLocationProtocol")
                               ->FindMethodByName("AddScm");
  ASSERT_TRUE(block.Call(add_method, add, &added).ok());
  EXPECT_FALSE(added.success());
  EXPECT_EQ(added.error().code(), scm::CLUSTER_ID_MISMATCH) << added.ShortDebugString();

  // Every SCM still runs, the ring is intact and serves.
  for (int node = 1; node <= 3; ++node) EXPECT_TRUE(c.IsAlive(node)) << c.NodeId(node);
  auto roles = c.Roles();
  ASSERT_TRUE(roles.ok());
  EXPECT_EQ(roles->peerroles_size(), 3);
  std::string last;
  EXPECT_TRUE(ScmCluster::WaitUntil(
      [&] {
        auto served = client->AllocateBlocks(1 << 20, 1, hdds::RATIS, hdds::THREE, "om");
        if (!served.ok()) last = served.status().ToString();
        return served.ok();
      },
      30s))
      << last;
}

TEST(ScmBadInputTest, FollowersAnswerNotLeaderWithTheLeadersAddressAndClientsFollow) {
  ScmCluster c;
  ASSERT_TRUE(c.InitAndStartAll().ok());
  Result<int> leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok());
  // Make scm1, the first SCM every client tries, a follower.
  if (*leader == 1) {
    CliResult t = c.Ozone(1, {"admin", "scm", "transfer", "-n", c.ScmUuid(2)});
    ASSERT_EQ(t.code, 0) << t.err;
    ASSERT_TRUE(ScmCluster::WaitUntil([&] { return c.WaitForLeader(5s).value_or(1) != 1; }, 30s));
    leader = c.WaitForLeader();
    ASSERT_TRUE(leader.ok());
  }
  const auto* file = scm::ScmRaftRequest::descriptor()->file();
  const auto* info_method = file->FindServiceByName("ScmBlockLocationProtocol")->FindMethodByName("GetScmInfo");
  const auto* list_method =
      file->FindServiceByName("ScmContainerLocationProtocol")->FindMethodByName("ListContainers");
  for (int follower = 1; follower <= 3; ++follower) {
    if (follower == *leader) continue;
    SCOPED_TRACE(c.NodeId(follower));
    // The block protocol names the leader's block address, the container protocol its client
    // address.
    rpc::FailoverClient block({{c.NodeId(follower), Address(c.BlockPort(follower))}}, {});
    scm::GetScmInfoResponse info;
    rpc::CallOutcome r = block.CallEndpoint(0, info_method, scm::GetScmInfoRequest(), &info);
    EXPECT_TRUE(r.status.IsNotLeader()) << r.status;
    EXPECT_EQ(r.leader_address.value_or(""), Address(c.BlockPort(*leader)));
    EXPECT_NE(r.status.message().find(c.NodeId(*leader)), std::string::npos) << r.status;
    rpc::FailoverClient containers({{c.NodeId(follower), Address(c.ClientPort(follower))}}, {});
    scm::ListContainersRequest list;
    list.set_count(10);
    scm::ListContainersResponse listed;
    r = containers.CallEndpoint(0, list_method, list, &listed);
    EXPECT_TRUE(r.status.IsNotLeader()) << r.status;
    EXPECT_EQ(r.leader_address.value_or(""), Address(c.ClientPort(*leader)));
    // A follower does not allocate or add members either.
    rpc::FailoverClient only_follower({{c.NodeId(follower), Address(c.BlockPort(follower))}},
                                      {.max_failovers = 0});
    scm::AllocateScmBlockRequest alloc;
    alloc.set_size(1024);
    alloc.set_numblocks(1);
    alloc.set_type(hdds::RATIS);
    alloc.set_owner("om");
    scm::AllocateScmBlockResponse allocated;
    Status s = only_follower.Call(
        file->FindServiceByName("ScmBlockLocationProtocol")->FindMethodByName("AllocateScmBlock"),
        alloc, &allocated);
    EXPECT_TRUE(s.IsNotLeader()) << s;
    // Nor over the call stream (what ScmClient uses), which names the leader's block address.
    r = only_follower.CallEndpointStreamed(
        0,
        file->FindServiceByName("ScmBlockLocationProtocol")
            ->FindMethodByName("AllocateScmBlockStream"),
        alloc, &allocated);
    EXPECT_TRUE(r.status.IsNotLeader()) << r.status;
    EXPECT_EQ(r.leader_address.value_or(""), Address(c.BlockPort(*leader)));
  }
  // Clients start at scm1 (a follower) and follow the hint to the leader.
  auto client = c.Client();
  auto roles = client->GetScmRoles();
  ASSERT_TRUE(roles.ok()) << roles.status();
  CliResult list = c.Ozone(1, {"admin", "container", "list"});
  EXPECT_EQ(list.code, 0) << list.err;
  CliResult roles_cli = c.Ozone(3, {"admin", "scm", "roles"});
  EXPECT_EQ(roles_cli.code, 0) << roles_cli.err;
  // The safe mode status is each SCM's own (follower readable), not redirected.
  auto own = client->GetSafeModeStatusOf(0);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->nodeid(), "scm1");
}

TEST(ScmBadInputTest, BootstrapAgainstAnotherClusterFailsAndWritesNothing) {
  ScmCluster c({.nodes = 2});
  ASSERT_EQ(c.Ozone(1, {"scm", "--init"}).code, 0);
  ASSERT_TRUE(c.StartScm(1).ok());
  ASSERT_TRUE(c.WaitForLeader().ok());

  // scm2 carries the VERSION of another cluster (an operator's mistake).
  const std::string other = "CID-" + Uuid::Random().ToString();
  fs::create_directories(fs::path(c.VersionFile(2)).parent_path());
  {
    std::ofstream v(c.VersionFile(2));
    v << "#Tue Mar 16 10:19:33 UTC 2021\ncTime=1615889973116\nclusterID=" << other
      << "\nnodeType=SCM\nscmUuid=" << Uuid::Random().ToString()
      << "\nlayoutVersion=0\nscmHA=true\n";
  }
  const std::vector<std::string> files = FilesUnder(c.MetaDir(2));
  std::ifstream in(c.VersionFile(2));
  const std::string version((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  CliResult boot = c.Ozone(2, {"scm", "--bootstrap"});
  EXPECT_EQ(boot.code, 255) << boot.out << boot.err;
  EXPECT_NE(boot.err.find("cluster id mismatch"), std::string::npos) << boot.err;
  EXPECT_NE(boot.err.find(other), std::string::npos) << boot.err;
  EXPECT_NE(boot.err.find(c.ClusterId(1)), std::string::npos) << boot.err;
  EXPECT_EQ(FilesUnder(c.MetaDir(2)), files);
  std::ifstream again(c.VersionFile(2));
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>()),
            version);

  // Starting it anyway is refused the same way (Ozone: "Adding SCM to existing HA group
  // failed"), and the ring is untouched.
  Status started = c.StartScm(2);
  EXPECT_FALSE(started.ok());
  EXPECT_NE(started.message().find("cluster id mismatch"), std::string::npos) << started;
  EXPECT_NE(started.message().find("exit 255"), std::string::npos) << started;
  EXPECT_TRUE(c.IsAlive(1));
  auto roles = c.Roles();
  ASSERT_TRUE(roles.ok());
  EXPECT_EQ(roles->peerroles_size(), 1);
}

TEST(ScmBadInputTest, BootstrapWithNoReachableScmFailsAndWritesNothing) {
  ScmCluster c({.nodes = 3});
  // Nothing runs: scm1 and scm3 were never started.
  auto begin = std::chrono::steady_clock::now();
  CliResult boot =
      c.Ozone(2, {"scm", "--bootstrap", "--set", "ozone.scm.info.wait.duration=2s"});
  auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(boot.code, 255) << boot.out << boot.err;
  EXPECT_NE(boot.err.find("scm1 (127.0.0.1:" + std::to_string(c.BlockPort(1)) + ")"),
            std::string::npos)
      << boot.err;
  EXPECT_NE(boot.err.find("scm3"), std::string::npos) << boot.err;
  // One line, no stack, no crash.
  EXPECT_EQ(std::count(boot.err.begin(), boot.err.end(), '\n'), 1) << boot.err;
  EXPECT_FALSE(fs::exists(c.VersionFile(2)));
  EXPECT_TRUE(FilesUnder(c.MetaDir(2)).empty()) << ::testing::PrintToString(FilesUnder(c.MetaDir(2)));
  // It gave up after the configured wait, not the default 10 minutes.
  EXPECT_LT(took, 60s);

  // `ozone scm` on a node never initialized: a clear error, nothing created.
  Status started = c.StartScm(2);
  EXPECT_FALSE(started.ok());
  EXPECT_NE(started.message().find("not initialized"), std::string::npos) << started;
  EXPECT_TRUE(FilesUnder(c.MetaDir(2)).empty()) << ::testing::PrintToString(FilesUnder(c.MetaDir(2)));
}

}  // namespace
}  // namespace ozone::integration
