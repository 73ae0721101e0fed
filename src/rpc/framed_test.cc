// The framed calls (framed_wire.h): a FramedCallServer sharing a GrpcServer's port with gRPC,
// FramedCallClient, and FailoverClient's use of them (leader hints, fallback to gRPC).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "echo.grpc.pb.h"
#include "rpc.pb.h"
#include "rpc/call_stream.h"
#include "rpc/failover_client.h"
#include "rpc/framed_client.h"
#include "rpc/framed_server.h"
#include "rpc/framed_wire.h"
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
  explicit SharedPortEcho(std::string name, const std::string& address = "127.0.0.1:0")
      : name_(std::move(name)) {
    GrpcServerOptions o;
    o.framed = &framed_;
    auto s = GrpcServer::Start(address, {this}, "echo " + name_, o);
    EXPECT_TRUE(s.ok()) << s.status();
    if (s.ok()) server_ = std::move(*s);
  }
  ~SharedPortEcho() override { Stop(); }
  void Stop() {
    if (server_) server_->Stop();
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  int port() const { return server_->port(); }
  FramedCallServer& framed() { return framed_; }
  std::atomic<bool> from_pool{false};
  void BeFollower(std::optional<LeaderHint> hint) {
    std::lock_guard<std::mutex> l(mu_);
    follower_ = true;
    hint_ = std::move(hint);
  }
  void FailWith(Status s) {
    std::lock_guard<std::mutex> l(mu_);
    fail_with_ = std::move(s);
  }
  std::atomic<int> streams{0};
  void WaitHeld(size_t n = 1) {
    std::unique_lock<std::mutex> l(mu_);
    held_cv_.wait(l, [&] { return held_.size() >= n; });
  }
  std::vector<FramedAnswer> TakeHeld() {
    std::lock_guard<std::mutex> l(mu_);
    return std::move(held_);
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
      if (fail_with_) return answer.Fail(*fail_with_);
      if (req.text() == "hold") {
        held_.push_back(std::move(answer));
        held_cv_.notify_all();
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
  std::optional<Status> fail_with_;  // guarded by mu_
  std::vector<FramedAnswer> held_;  // guarded by mu_
  std::condition_variable held_cv_;
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
  // Frames far larger than a read, both ways.
  const std::string big(3 << 20, 'b');
  EchoResponse r;
  CallOutcome o = framed.Call(Text(big), &r, std::chrono::seconds(10));
  ASSERT_TRUE(o.status.ok()) << o.status;
  EXPECT_EQ(r.text(), big);
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

const google::protobuf::MethodDescriptor* SayStream() {
  return EchoRequest::descriptor()->file()->FindServiceByName("Echo")->FindMethodByName(
      "SayStream");
}

FailoverOptions Framed() {
  FailoverOptions o;
  o.framed = true;
  o.retry_interval = std::chrono::milliseconds(10);
  o.not_ready_wait = std::chrono::milliseconds(10);
  o.rpc_timeout = std::chrono::seconds(10);
  return o;
}

TEST(FramedTest, AFollowersFramedReplyNamesTheLeaderAndTheClientGoesThere) {
  SharedPortEcho follower("f"), leader("l");
  follower.BeFollower(LeaderHint{leader.address(), "l"});
  FailoverClient client({{"f", follower.address()}, {"l", leader.address()}}, Framed());
  FramedCallClient direct(follower.address(), "f");
  EchoResponse r;
  CallOutcome o = direct.Call(Text("a"), &r, std::chrono::seconds(10));
  EXPECT_TRUE(o.status.IsNotLeader()) << o.status;
  EXPECT_EQ(o.leader_address, leader.address());

  ASSERT_TRUE(client.CallStreamed(SayStream(), Text("a"), &r).ok());
  EXPECT_EQ(r.served_by(), "l/framed");
  EXPECT_EQ(client.current(), 1u);
}

TEST(FramedTest, AServerWithoutFramingGetsTheCallsOverItsGrpcStream) {
  testing::EchoServer plain("p");
  FailoverClient client({{"p", plain.address()}}, Framed());
  for (int i = 0; i < 3; ++i) {
    EchoResponse r;
    Status s = client.CallStreamed(SayStream(), Text("t" + std::to_string(i)), &r);
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_EQ(r.text(), "t" + std::to_string(i));
  }
  EXPECT_EQ(plain.streams(), 1);

  FramedCallClient direct(plain.address(), "p");
  EchoResponse r;
  EXPECT_EQ(direct.Call(Text("a"), &r, std::chrono::seconds(10)).status.code(),
            Status::Code::kNotSupported);
  EXPECT_TRUE(direct.unsupported());
}

// Every address the listening host stands for is served, on one port (as gRPC's own listener
// does): the wildcard takes IPv4 and IPv6 clients.
TEST(FramedTest, TheWildcardAddressServesIpv4AndIpv6OnOnePort) {
  SharedPortEcho server("s", "0.0.0.0:0");
  for (const std::string host : {"127.0.0.1", "[::1]"}) {
    const std::string address = host + ":" + std::to_string(server.port());
    FramedCallClient framed(address, address);
    EchoResponse r;
    CallOutcome o = framed.Call(Text(host), &r, std::chrono::seconds(10));
    EXPECT_TRUE(o.status.ok()) << address << ": " << o.status;
    auto stub = Echo::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status g = stub->Say(&ctx, Text(host), &r);
    EXPECT_TRUE(g.ok()) << address << ": " << g.error_message();
  }
}

// A call the server answers with NotSupported is not sent again over gRPC: only a server that
// refuses the framing itself gets the calls over its stream.
TEST(FramedTest, AServersNotSupportedAnswerIsTheCallsResult) {
  SharedPortEcho server("s");
  server.FailWith(Status::NotSupported("no such thing"));
  FailoverClient client({{"s", server.address()}}, Framed());
  EchoResponse r;
  Status s = client.CallStreamed(SayStream(), Text("a"), &r);
  EXPECT_EQ(s.code(), Status::Code::kNotSupported) << s;
  EXPECT_EQ(server.streams.load(), 0);
}

TEST(FramedTest, ConcurrentCallsAnsweredFromOtherThreadsGetTheirOwnReplies) {
  SharedPortEcho server("s");
  server.from_pool = true;
  FramedCallClient client(server.address(), "s");
  std::vector<std::thread> threads;
  std::atomic<int> right{0}, wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string text = std::to_string(t) + "-" + std::to_string(i);
        EchoResponse r;
        CallOutcome o = client.Call(Text(text), &r, std::chrono::seconds(10));
        (o.status.ok() && r.text() == text ? right : wrong)++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(right.load(), 1600);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST(FramedTest, ABrokenConnectionFailsItsCallsAndTheNextCallConnectsAgain) {
  auto server = std::make_unique<SharedPortEcho>("s");
  const std::string address = server->address();
  FramedCallClient client(address, "s");
  EchoResponse r;
  ASSERT_TRUE(client.Call(Text("a"), &r, std::chrono::seconds(10)).status.ok());

  std::mutex mu;
  std::condition_variable cv;
  std::optional<CallOutcome> held;
  client.CallAsync(Text("hold").SerializeAsString(), [&](CallOutcome o, std::string_view) {
    std::lock_guard<std::mutex> l(mu);
    held = std::move(o);
    cv.notify_all();
  });
  server->WaitHeld();
  server.reset();  // closes the connection with the call unanswered
  {
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [&] { return held.has_value(); });
    EXPECT_TRUE(held->status.IsUnavailable()) << held->status;
  }
  EXPECT_TRUE(client.Call(Text("b"), &r, std::chrono::seconds(10)).status.IsUnavailable());

  SharedPortEcho again("s2", address);
  CallOutcome o = client.Call(Text("c"), &r, std::chrono::seconds(10));
  ASSERT_TRUE(o.status.ok()) << o.status;
  EXPECT_EQ(r.served_by(), "s2/framed");
  EXPECT_EQ(client.connections_opened(), 2u);
}

// A raw framed connection to `address` whose first write is the preamble and `calls` together;
// returns the socket, the server's preamble read into `in`.
int SendPreambleWithCalls(const std::string& address, const StreamedCalls& calls, FrameBuffer* in) {
  Result<int> fd = ConnectTcp(address, std::chrono::seconds(10));
  EXPECT_TRUE(fd.ok()) << fd.status();
  if (!fd.ok()) return -1;
  std::string out = FramedPreamble();
  AppendFrame(calls, &out);
  EXPECT_TRUE(WriteAll(*fd, out).ok());
  std::string_view preamble;
  while (!in->TakeRaw(kFramedPreambleBytes, &preamble)) {
    if (in->ReadFrom(*fd) <= 0) break;
  }
  EXPECT_EQ(preamble, FramedPreamble());
  return *fd;
}

StreamedCalls EchoCallsOf(const std::vector<std::pair<uint64_t, std::string>>& calls) {
  StreamedCalls out;
  for (const auto& [id, text] : calls) {
    StreamedCall* c = out.add_calls();
    c->set_callid(id);
    c->set_request(Text(text).SerializeAsString());
  }
  return out;
}

// The next frame of replies on `fd` (empty if none arrived within 10 s).
StreamedReplies NextReplies(int fd, FrameBuffer* in) {
  StreamedReplies replies;
  std::string_view body;
  FrameBuffer::Next next;
  while ((next = in->NextFrame(&body)) == FrameBuffer::Next::kNeedMore) {
    if (!WaitReadable(fd, std::chrono::seconds(10)) || in->ReadFrom(fd) <= 0) return replies;
  }
  EXPECT_EQ(next, FrameBuffer::Next::kFrame);
  EXPECT_TRUE(replies.ParseFromArray(body.data(), static_cast<int>(body.size())));
  return replies;
}

// Before, the calls read together with the preamble waited for more bytes to arrive.
TEST(FramedTest, CallsSentTogetherWithThePreambleAreAnswered) {
  SharedPortEcho server("s");
  FrameBuffer in;
  const int fd = SendPreambleWithCalls(server.address(), EchoCallsOf({{3, "early"}}), &in);
  ASSERT_GE(fd, 0);
  StreamedReplies replies = NextReplies(fd, &in);
  ASSERT_EQ(replies.replies_size(), 1);
  EXPECT_EQ(replies.replies(0).callid(), 3u);
  EchoResponse r;
  ASSERT_TRUE(r.ParseFromString(replies.replies(0).response()));
  EXPECT_EQ(r.text(), "early");
  close(fd);
}

TEST(FramedTest, AnswersGivenInAReplyBatchGoOutTogetherWhenItEnds) {
  SharedPortEcho server("s");
  FrameBuffer in;
  const int fd =
      SendPreambleWithCalls(server.address(), EchoCallsOf({{7, "hold"}, {8, "hold"}}), &in);
  ASSERT_GE(fd, 0);
  server.WaitHeld(2);
  std::vector<FramedAnswer> held = server.TakeHeld();
  ASSERT_EQ(held.size(), 2u);
  {
    FramedReplyBatch outer;
    {
      FramedReplyBatch inner;  // nested: only the outermost one's end writes
      EXPECT_TRUE(InFramedReplyBatch());
      for (FramedAnswer& a : held) {
        EchoResponse r;
        r.set_text("answered");
        a.Reply(r.SerializeAsString());
      }
    }
    EXPECT_FALSE(WaitReadable(fd, std::chrono::milliseconds(0)));  // nothing written yet
  }
  EXPECT_FALSE(InFramedReplyBatch());
  StreamedReplies replies = NextReplies(fd, &in);  // both, in one frame
  ASSERT_EQ(replies.replies_size(), 2);
  EXPECT_EQ(replies.replies(0).callid(), 7u);
  EXPECT_EQ(replies.replies(1).callid(), 8u);
  close(fd);
}

}  // namespace
}  // namespace ozone::rpc
