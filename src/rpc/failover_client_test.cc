// FailoverClient against in-process Echo servers that play leader, follower (with or without a
// leader hint), a leader not ready yet, or are down.
#include "rpc/failover_client.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "rpc/testdata/echo_server.h"
#include "tests/testutil/ports.h"
#include "tests/testutil/subprocess.h"

namespace ozone::rpc {
namespace {

using namespace std::chrono_literals;
using testing::Echo;
using testing::EchoRequest;
using testing::EchoResponse;
using testing::EchoServer;

const google::protobuf::MethodDescriptor* SayMethod() {
  return EchoRequest::descriptor()->file()->FindServiceByName("Echo")->FindMethodByName("Say");
}
const google::protobuf::MethodDescriptor* SayStreamMethod() {
  return EchoRequest::descriptor()->file()->FindServiceByName("Echo")->FindMethodByName(
      "SayStream");
}

class FailoverClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 3; ++i)
      servers_.push_back(std::make_unique<EchoServer>("s" + std::to_string(i)));
  }
  std::vector<RpcEndpoint> Endpoints() const {
    std::vector<RpcEndpoint> out;
    for (size_t i = 0; i < servers_.size(); ++i) {
      out.push_back({"s" + std::to_string(i), servers_[i]->address()});
    }
    return out;
  }
  FailoverOptions Options() {
    FailoverOptions o;
    o.retry_interval = 10ms;
    o.not_ready_wait = 5ms;
    o.rpc_timeout = 5s;
    o.on_retry = [this](const std::string& m) {
      std::lock_guard<std::mutex> l(mu_);
      retries_.push_back(m);
    };
    return o;
  }
  Result<std::string> Say(FailoverClient& c, const std::string& text) {
    EchoRequest req;
    req.set_text(text);
    EchoResponse resp;
    OZ_RETURN_IF_ERROR(c.Call(SayMethod(), req, &resp));
    return resp.served_by();
  }

  std::vector<std::unique_ptr<EchoServer>> servers_;
  std::mutex mu_;
  std::vector<std::string> retries_;  // guarded by mu_
};

TEST_F(FailoverClientTest, FollowsTheSuggestedLeaderWithoutWaiting) {
  servers_[0]->BeFollower(servers_[2]->address());
  servers_[1]->BeFollower(servers_[2]->address());
  servers_[2]->BeLeader();
  FailoverClient c(Endpoints(), Options());
  auto r = Say(c, "hi");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "s2");
  EXPECT_EQ(c.current(), 2u);
  EXPECT_EQ(servers_[1]->calls(), 0);
  EXPECT_TRUE(retries_.empty());
  // The next call goes straight to the leader.
  ASSERT_TRUE(Say(c, "again").ok());
  EXPECT_EQ(servers_[0]->calls(), 1);
}

TEST_F(FailoverClientTest, TriesTheNextEndpointWhenNoLeaderIsNamed) {
  servers_[0]->BeFollower(std::nullopt);
  servers_[1]->BeLeader();
  servers_[2]->BeFollower(std::nullopt);
  FailoverClient c(Endpoints(), Options());
  auto r = Say(c, "hi");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "s1");
  EXPECT_TRUE(retries_.empty());
}

TEST_F(FailoverClientTest, WaitsAfterARoundWithoutLeaderAndGivesUpAfterMaxFailovers) {
  for (auto& s : servers_) s->BeFollower(std::nullopt);
  FailoverOptions o = Options();
  o.max_failovers = 7;
  FailoverClient c(Endpoints(), o);
  auto r = Say(c, "hi");
  ASSERT_TRUE(r.status().IsNotLeader()) << r.status();
  EXPECT_NE(r.status().message().find("giving up after 7 failover attempt(s)"), std::string::npos);
  int calls = 0;
  for (auto& s : servers_) calls += s->calls();
  EXPECT_EQ(calls, 8);
  // A wait after each full round: attempts 3 and 6.
  ASSERT_EQ(retries_.size(), 2u);
  EXPECT_EQ(retries_[0], "Retrying in 10ms after 3 failover attempt(s).");
  EXPECT_EQ(retries_[1], "Retrying in 10ms after 6 failover attempt(s).");
}

TEST_F(FailoverClientTest, SkipsUnreachableEndpoints) {
  std::vector<RpcEndpoint> eps = Endpoints();
  std::string dead = servers_[0]->address();
  servers_[0].reset();  // nothing listens there any more
  eps[0].address = dead;
  servers_[1]->BeLeader();
  FailoverClient c(eps, Options());
  auto r = Say(c, "hi");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "s1");
}

TEST_F(FailoverClientTest, ReachesAnEndpointThatComesUpLater) {
  // A port that is free now; the server comes up on it after the client started trying.
  int port = 0;
  {
    EchoServer probe("probe");
    port = std::stoi(probe.address().substr(probe.address().rfind(':') + 1));
  }
  int dead_port = 0;
  {
    EchoServer probe("probe");
    dead_port = std::stoi(probe.address().substr(probe.address().rfind(':') + 1));
  }
  std::vector<RpcEndpoint> eps = {{"late", "127.0.0.1:" + std::to_string(port)},
                                  {"dead", "127.0.0.1:" + std::to_string(dead_port)}};
  FailoverOptions o = Options();
  o.retry_interval = 50ms;
  o.max_failovers = 1000;
  FailoverClient c(eps, o);
  std::unique_ptr<EchoServer> late;
  std::thread starter([&] {
    std::this_thread::sleep_for(500ms);
    late = std::make_unique<EchoServer>("late", port);
  });
  auto start = std::chrono::steady_clock::now();
  auto r = Say(c, "hi");
  auto took = std::chrono::steady_clock::now() - start;
  starter.join();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "late");
  // Found within a few retry intervals after it came up, not after gRPC's reconnect back-off.
  EXPECT_LT(took, 2s) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
}

// Not a test: the server of ReachesAReplicaOfAnotherProcessThatComesUpLater, run in a child
// process (this binary, filtered to it) on $OZONE_ECHO_PORT until killed.
TEST(FailoverClientHelper, DISABLED_ServeEcho) {
  const char* port = std::getenv("OZONE_ECHO_PORT");
  if (port == nullptr) GTEST_SKIP() << "a helper of another test";
  EchoServer server("late", std::stoi(port));
  std::printf("serving on %s\n", server.address().c_str());
  std::fflush(stdout);
  while (true) std::this_thread::sleep_for(1h);
}

// As the CLI (`ozone scm --bootstrap` waiting for the primordial SCM): no gRPC server in the
// client's process, whose own calls are then all that polls its channels, and a replica that
// comes up in another process after the client failed to reach it for a while. It must be found
// within the retry interval and reconnect back-off (up to 1 s), not when gRPC's backup poller
// happens to run (every 5 s by default; it took 15 s).
TEST(FailoverClientProcessTest, ReachesAReplicaOfAnotherProcessThatComesUpLater) {
  // Found without gRPC, so that this process runs no gRPC server.
  Result<testutil::PortBlock> ports = testutil::PortBlock::Claim();
  ASSERT_TRUE(ports.ok()) << ports.status();
  const int port = ports->Next();
  FailoverOptions o;
  o.retry_interval = 50ms;
  o.max_failovers = 60;  // about 3 s of attempts per call
  o.rpc_timeout = 5s;
  FailoverClient c({{"late", "127.0.0.1:" + std::to_string(port)}}, o);
  EchoRequest req;
  req.set_text("hi");
  EchoResponse resp;
  // Nobody there yet: the channel fails and backs off.
  ASSERT_TRUE(c.Call(SayMethod(), req, &resp).IsUnavailable());

  Result<testutil::Subprocess> server = testutil::Subprocess::Start(
      {"/proc/self/exe", "--gtest_also_run_disabled_tests",
       "--gtest_filter=FailoverClientHelper.DISABLED_ServeEcho"},
      {"OZONE_ECHO_PORT=" + std::to_string(port)});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(server->WaitForLine("serving on 127.0.0.1:" + std::to_string(port), 30s));
  // Found within this call's attempts.
  Status s = c.Call(SayMethod(), req, &resp);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(resp.served_by(), "late");
  server->Kill();
}

TEST_F(FailoverClientTest, ReturnsOtherErrorsAtOnce) {
  servers_[0]->Fail(Status::InvalidArgument("bad request"));
  FailoverClient c(Endpoints(), Options());
  auto r = Say(c, "hi");
  EXPECT_EQ(r.status(), Status::InvalidArgument("bad request"));
  EXPECT_EQ(servers_[1]->calls() + servers_[2]->calls(), 0);
}

TEST_F(FailoverClientTest, RetriesALeaderThatIsNotReadyYet) {
  // s0 names itself: a leader whose first entry of the term is not applied yet.
  servers_[0]->BeFollower(servers_[0]->address());
  FailoverClient c(Endpoints(), Options());
  std::thread ready([&] {
    while (servers_[0]->calls() < 3) std::this_thread::sleep_for(1ms);
    servers_[0]->BeLeader();
  });
  auto r = Say(c, "hi");
  ready.join();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "s0");
  EXPECT_EQ(servers_[1]->calls() + servers_[2]->calls(), 0);
}

TEST_F(FailoverClientTest, RefusesMessagesOfAnotherMethod) {
  FailoverClient c(Endpoints(), Options());
  EchoRequest req;
  EchoRequest wrong_response;
  EXPECT_TRUE(c.Call(SayMethod(), req, &wrong_response).IsInvalidArgument());
}

Result<std::string> SayStreamed(FailoverClient& c, const std::string& text) {
  EchoRequest req;
  req.set_text(text);
  EchoResponse resp;
  OZ_RETURN_IF_ERROR(c.CallStreamed(SayStreamMethod(), req, &resp));
  if (resp.text() != text) return Status::Internal("reply to another call: " + resp.text());
  return resp.served_by();
}

TEST_F(FailoverClientTest, StreamedCallsFollowTheSuggestedLeader) {
  servers_[0]->BeFollower(servers_[2]->address());
  servers_[1]->BeFollower(servers_[2]->address());
  servers_[2]->BeLeader();
  FailoverClient c(Endpoints(), Options());
  auto r = SayStreamed(c, "hi");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "s2");
  EXPECT_EQ(c.current(), 2u);
  EXPECT_EQ(servers_[1]->calls(), 0);
  // Later calls go straight to the leader, over the stream already open.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(SayStreamed(c, "more" + std::to_string(i)).ok());
  EXPECT_EQ(servers_[0]->calls(), 1);
  EXPECT_EQ(servers_[2]->calls(), 6);
  EXPECT_EQ(servers_[2]->streams(), 1);
}

TEST_F(FailoverClientTest, StreamedCallsMoveOnWhenTheLeaderStepsDown) {
  servers_[0]->BeLeader();
  FailoverClient c(Endpoints(), Options());
  ASSERT_EQ(*SayStreamed(c, "hi"), "s0");
  servers_[0]->BeFollower(servers_[1]->address());
  servers_[1]->BeLeader();
  auto r = SayStreamed(c, "after");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "s1");
}

TEST_F(FailoverClientTest, StreamedCallsSkipUnreachableEndpoints) {
  std::vector<RpcEndpoint> eps = Endpoints();
  std::string dead = servers_[0]->address();
  servers_[0].reset();
  eps[0].address = dead;
  servers_[1]->BeLeader();
  FailoverClient c(eps, Options());
  auto r = SayStreamed(c, "hi");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "s1");
}

TEST_F(FailoverClientTest, StreamedCallsNeedABidirectionalStreamMethod) {
  FailoverClient c(Endpoints(), Options());
  EchoRequest req;
  EchoResponse resp;
  EXPECT_TRUE(c.CallStreamed(SayMethod(), req, &resp).IsInvalidArgument());
}

TEST(RetryMessageTest, IsOzonesLine) {
  EXPECT_EQ(RetryMessage(2000ms, 1), "Retrying in 2000ms after 1 failover attempt(s).");
}

}  // namespace
}  // namespace ozone::rpc
