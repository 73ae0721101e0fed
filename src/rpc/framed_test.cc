// The framed calls (framed_wire.h): a FramedCallServer sharing a GrpcServer's port with gRPC,
// FramedCallClient, and FailoverClient's use of them (leader hints, fallback to gRPC).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "echo.grpc.pb.h"
#include "rpc/call_stream.h"
#include "rpc/failover_client.h"
#include "rpc/framed_client.h"
#include "rpc/framed_server.h"
#include "rpc/grpc_server.h"
#include "rpc/streamed_calls_reactor.h"
#include "rpc/testdata/echo_server.h"
#include "rpc/worker_pool.h"

namespace ozone::rpc {
namespace {

using testing::Echo;
using testing::EchoCalls;
using testing::EchoReplies;
using testing::EchoRequest;
using testing::EchoResponse;

// Echo over gRPC (Say, SayStream) and framed calls on one GrpcServer port. Framed calls are
// answered on their connection's thread, or from a pool (`from_pool`), as a leader or as a
// follower naming `hint`; a call whose text is "hold" is never answered.
class SharedPortEcho final : public Echo::WithCallbackMethod_SayStream<Echo::Service> {
 public:
  explicit SharedPortEcho(std::string name) : name_(std::move(name)) {
    GrpcServerOptions o;
    o.framed = &framed_;
    auto s = GrpcServer::Start("127.0.0.1:0", {this}, "echo " + name_, o);
    EXPECT_TRUE(s.ok()) << s.status();
    if (s.ok()) server_ = std::move(*s);
  }
  ~SharedPortEcho() override { Stop(); }
  void Stop() {
    if (server_) server_->Stop();
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  FramedCallServer& framed() { return framed_; }
  std::atomic<bool> from_pool{false};
  void BeFollower(std::optional<LeaderHint> hint) {
    std::lock_guard<std::mutex> l(mu_);
    follower_ = true;
    hint_ = std::move(hint);
  }
  int held() {
    std::lock_guard<std::mutex> l(mu_);
    return static_cast<int>(held_.size());
  }

  grpc::Status Say(grpc::ServerContext*, const EchoRequest* req, EchoResponse* resp) override {
    resp->set_text(req->text());
    resp->set_served_by(name_ + "/grpc");
    return grpc::Status::OK;
  }
  grpc::ServerBidiReactor<EchoCalls, EchoReplies>* SayStream(
      grpc::CallbackServerContext* ctx) override {
    using Reactor = StreamedCallsReactor<EchoCalls, EchoReplies>;
    return new Reactor(
        ctx, [this](grpc::CallbackServerContext*, EchoRequest* req, Reactor::Answer answer) {
          EchoResponse resp;
          resp.set_text(req->text());
          resp.set_served_by(name_ + "/stream");
          answer.Reply(&resp);
        });
  }

 private:
  void OnFramed(std::string* request, FramedAnswer answer) {
    EchoRequest req;
    if (!req.ParseFromString(*request)) return answer.Fail(Status::InvalidArgument("junk"));
    {
      std::lock_guard<std::mutex> l(mu_);
      if (follower_) return answer.Fail(Status::NotLeader(name_ + " is not the leader"), hint_);
      if (req.text() == "hold") {
        held_.push_back(std::move(answer));
        return;
      }
    }
    auto reply = [this, text = req.text()](FramedAnswer a) {
      EchoResponse resp;
      resp.set_text(text);
      resp.set_served_by(name_ + "/framed");
      a.Reply(resp.SerializeAsString());
    };
    if (from_pool.load()) {
      pool_.Post([reply, a = std::make_shared<FramedAnswer>(std::move(answer))]() mutable {
        reply(std::move(*a));
      });
    } else {
      reply(std::move(answer));
    }
  }

  const std::string name_;
  WorkerPool pool_{2, "echo-pool"};
  FramedCallServer framed_{"echo-framed",
                           [this](std::string* r, FramedAnswer a) { OnFramed(r, std::move(a)); }};
  std::unique_ptr<GrpcServer> server_;
  std::mutex mu_;
  bool follower_ = false;           // guarded by mu_
  std::optional<LeaderHint> hint_;  // guarded by mu_
  std::vector<FramedAnswer> held_;  // guarded by mu_
};

EchoRequest Text(const std::string& t) {
  EchoRequest r;
  r.set_text(t);
  return r;
}

TEST(FramedTest, OnePortServesGrpcCallsStreamsAndFramedCalls) {
  SharedPortEcho server("s1");
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto stub = Echo::NewStub(channel);
  CallStream stream(channel, "/ozone.rpc.testing.Echo/SayStream", "s1");
  FramedCallClient framed(server.address(), "s1");
  for (int i = 0; i < 200; ++i) {
    const std::string t = "t" + std::to_string(i);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    EchoResponse a, b, c;
    grpc::Status s = stub->Say(&ctx, Text(t), &a);
    ASSERT_TRUE(s.ok()) << i << ": " << s.error_message();
    EXPECT_EQ(a.served_by(), "s1/grpc");
    CallOutcome o = stream.Call(Text(t), &b, std::chrono::seconds(10));
    ASSERT_TRUE(o.status.ok()) << i << ": " << o.status;
    EXPECT_EQ(b.served_by(), "s1/stream");
    o = framed.Call(Text(t), &c, std::chrono::seconds(10));
    ASSERT_TRUE(o.status.ok()) << i << ": " << o.status;
    EXPECT_EQ(c.text(), t);
    EXPECT_EQ(c.served_by(), "s1/framed");
  }
  EXPECT_EQ(framed.connections_opened(), 1u);
  EXPECT_EQ(server.framed().framed_connections(), 1u);
}

// The connections handed to gRPC must be as gRPC's own (non-blocking): a blocking one stalled a
// stream after some dozens of calls.
TEST(FramedTest, AGrpcStreamOverTheSharedPortKeepsBeingAnswered) {
  SharedPortEcho server("s1");
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  CallStream stream(channel, "/ozone.rpc.testing.Echo/SayStream", "s1");
  for (int i = 0; i < 1000; ++i) {
    EchoResponse r;
    CallOutcome o = stream.Call(Text("x"), &r, std::chrono::seconds(10));
    ASSERT_TRUE(o.status.ok()) << i << ": " << o.status;
  }
}

}  // namespace
}  // namespace ozone::rpc
