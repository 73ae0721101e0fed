// CallStream against an in-process Echo server's SayStream (testdata/echo_server.h).
#include "rpc/call_stream.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "rpc.pb.h"
#include "tests/testutil/raw_grpc_call.h"
#include "rpc/stream_batch.h"
#include "rpc/testdata/echo_server.h"

namespace ozone::rpc {
namespace {

using namespace std::chrono_literals;
using testing::EchoRequest;
using testing::EchoResponse;
using testing::EchoServer;

constexpr char kMethod[] = "/ozone.rpc.testing.Echo/SayStream";

std::unique_ptr<CallStream> StreamTo(const EchoServer& server) {
  return std::make_unique<CallStream>(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()), kMethod,
      "s0 (" + server.address() + ")");
}

CallOutcome Say(CallStream& stream, const std::string& text, EchoResponse* resp,
                std::chrono::milliseconds timeout = 10s) {
  EchoRequest req;
  req.set_text(text);
  return stream.Call(req, resp, timeout);
}

// Waits for the outcomes of asynchronous calls.
class Outcomes {
 public:
  CallStream::Done Collect() {
    return [this](CallOutcome outcome, std::string_view) {
      std::lock_guard<std::mutex> l(mu_);
      got_.push_back(std::move(outcome));
      cv_.notify_all();
    };
  }
  std::vector<CallOutcome> Wait(size_t n) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return got_.size() >= n; });
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<CallOutcome> got_;
};

std::string Serialized(const std::string& text) {
  EchoRequest req;
  req.set_text(text);
  return req.SerializeAsString();
}

TEST(CallStreamTest, ConcurrentCallsShareOneStreamAndEachGetsItsOwnReply) {
  EchoServer server("s0");
  auto stream = StreamTo(server);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const std::string text = std::to_string(t) + "/" + std::to_string(i);
        EchoResponse resp;
        CallOutcome r = Say(*stream, text, &resp);
        if (!r.status.ok() || resp.text() != text || resp.served_by() != "s0") ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(server.calls(), 800);
  EXPECT_EQ(server.streams(), 1);
  EXPECT_EQ(stream->streams_opened(), 1u);
}

TEST(CallStreamTest, CallsAnsweredLaterAndOutOfOrderReachTheirCallers) {
  EchoServer server("s0");
  server.AnswerLaterInGroupsOf(10);
  auto stream = StreamTo(server);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 10; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::string text = std::to_string(t) + "/" + std::to_string(i);
        EchoResponse resp;
        CallOutcome r = Say(*stream, text, &resp);
        if (!r.status.ok() || resp.text() != text) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(stream->streams_opened(), 1u);
}

TEST(CallStreamTest, ACallThatFailsFailsAloneAndTheStreamGoesOn) {
  EchoServer server("s0");
  auto stream = StreamTo(server);
  EchoResponse resp;
  server.Fail(Status::InvalidArgument("bad request"));
  CallOutcome r = Say(*stream, "hi", &resp);
  EXPECT_EQ(r.status, Status::InvalidArgument("bad request"));
  server.BeLeader();
  r = Say(*stream, "ok", &resp);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(resp.text(), "ok");
  EXPECT_EQ(stream->streams_opened(), 1u);
}

TEST(CallStreamTest, AStreamTheServerEndsFailsItsUnansweredCallsWithItsStatusAndLeaderHint) {
  EchoServer server("s0");
  auto stream = StreamTo(server);
  EchoResponse resp;
  ASSERT_TRUE(Say(*stream, "warm", &resp).status.ok());

  // Two calls in flight when the server stops being the leader: the first is answered NotLeader
  // (which ends the stream), the second is left unanswered and fails the same way.
  server.CloseGate("held");
  Outcomes outcomes;
  stream->CallAsync(Serialized("held"), outcomes.Collect());
  server.WaitHeld(1);
  stream->CallAsync(Serialized("queued"), outcomes.Collect());
  server.BeFollower("127.0.0.1:9863");
  server.OpenGate();
  for (const CallOutcome& o : outcomes.Wait(2)) {
    EXPECT_TRUE(o.status.IsNotLeader()) << o.status;
    EXPECT_EQ(o.leader_address, "127.0.0.1:9863");
  }
  EXPECT_EQ(server.calls(), 2);  // "queued" never reached the handler

  // The next call opens a new stream.
  server.BeLeader();
  CallOutcome r = Say(*stream, "again", &resp);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(resp.text(), "again");
  EXPECT_EQ(stream->streams_opened(), 2u);
  EXPECT_EQ(server.streams(), 2);
}

TEST(CallStreamTest, ACallWithoutReplyTimesOutAndTheStreamGoesOn) {
  EchoServer server("s0");
  auto stream = StreamTo(server);
  server.CloseGate("slow");
  EchoResponse resp;
  CallOutcome r = Say(*stream, "slow", &resp, 50ms);
  EXPECT_TRUE(r.status.IsTimeout()) << r.status;
  server.OpenGate();  // its late reply is dropped
  r = Say(*stream, "next", &resp);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(resp.text(), "next");
  EXPECT_EQ(stream->streams_opened(), 1u);
}

TEST(CallStreamTest, DestroyingTheClientFailsItsOutstandingCalls) {
  EchoServer server("s0");
  auto stream = StreamTo(server);
  server.CloseGate("held");
  Outcomes outcomes;
  stream->CallAsync(Serialized("held"), outcomes.Collect());
  server.WaitHeld(1);
  stream.reset();  // cancels the stream and waits for it to end
  std::vector<CallOutcome> got = outcomes.Wait(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_FALSE(got[0].status.ok());
  server.OpenGate();
}

TEST(CallStreamTest, AnUnreachableServerFailsCallsAsUnavailable) {
  std::string address;
  {
    EchoServer gone("gone");
    address = gone.address();
  }
  CallStream stream(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()), kMethod,
                    "s9 (" + address + ")");
  EchoResponse resp;
  CallOutcome r = Say(stream, "hi", &resp);
  EXPECT_TRUE(r.status.IsUnavailable()) << r.status;
  EXPECT_NE(r.status.message().find("s9 (" + address + ") is unreachable"), std::string::npos)
      << r.status;
}

}  // namespace
}  // namespace ozone::rpc

namespace ozone::rpc {
namespace {

// A message the server cannot decode ends the stream with an error, not an OK or a crash.
TEST(StreamedCallsReactorTest, AnUndecodableMessageEndsTheStreamWithAnError) {
  EchoServer server("s0");
  const grpc::Status status =
      testutil::RawUnaryCall(server.address(), kMethod, "\x0a\xff\xff\xff\xff\x0f garbage");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  // The server goes on serving.
  auto stream = StreamTo(server);
  EchoResponse resp;
  EXPECT_TRUE(Say(*stream, "after", &resp).status.ok());
}

}  // namespace
}  // namespace ozone::rpc

namespace ozone::rpc {
namespace {

StreamedCalls CallsOfSizes(const std::vector<size_t>& sizes) {
  StreamedCalls calls;
  for (size_t i = 0; i < sizes.size(); ++i) {
    StreamedCall* c = calls.add_calls();
    c->set_callid(i + 1);
    c->set_request(std::string(sizes[i], 'x'));
  }
  return calls;
}

size_t BytesOf(const StreamedCalls& calls) {
  size_t n = 0;
  for (const auto& c : calls.calls()) n += c.request().size() + kStreamElementOverhead;
  return n;
}

size_t Take(StreamedCalls* from, StreamedCalls* to) {
  return TakeStreamBatch(from->mutable_calls(), BytesOf(*from), to->mutable_calls(),
                         [](const StreamedCall& c) {
                           return c.request().size() + kStreamElementOverhead;
                         });
}

TEST(StreamBatchTest, WhatFitsGoesInOneMessage) {
  StreamedCalls queued = CallsOfSizes({100, 200, 300});
  StreamedCalls out;
  EXPECT_EQ(Take(&queued, &out), 600 + 3 * kStreamElementOverhead);
  EXPECT_EQ(out.calls_size(), 3);
  EXPECT_EQ(queued.calls_size(), 0);
}

TEST(StreamBatchTest, ABatchStopsBeforeTheLimitAndKeepsTheOrder) {
  const size_t mb = size_t{1} << 20;
  StreamedCalls queued = CallsOfSizes({mb, mb, 2 * mb, 5 * mb, 10});
  StreamedCalls out;
  Take(&queued, &out);  // 1 + 1 MB; 2 MB more would pass 3 MB
  ASSERT_EQ(out.calls_size(), 2);
  EXPECT_EQ(out.calls(0).callid(), 1u);
  EXPECT_EQ(out.calls(1).callid(), 2u);
  out.Clear();
  Take(&queued, &out);  // 2 MB; 5 MB more would not fit
  ASSERT_EQ(out.calls_size(), 1);
  EXPECT_EQ(out.calls(0).callid(), 3u);
  out.Clear();
  Take(&queued, &out);  // larger than the limit: alone
  ASSERT_EQ(out.calls_size(), 1);
  EXPECT_EQ(out.calls(0).callid(), 4u);
  out.Clear();
  Take(&queued, &out);
  ASSERT_EQ(out.calls_size(), 1);
  EXPECT_EQ(out.calls(0).callid(), 5u);
  EXPECT_EQ(queued.calls_size(), 0);
}

// Calls and replies that together exceed a peer's default message limit (4 MB) still pass.
TEST(CallStreamTest, LargeCallsInFlightTogetherStayUnderTheMessageLimit) {
  EchoServer server("s0");
  auto stream = StreamTo(server);
  Outcomes outcomes;
  const std::string big(2 << 20, 'b');
  // Made from a reply's callback, the four calls go out after it, together as far as they fit.
  stream->CallAsync(Serialized("go"), [&](CallOutcome, std::string_view) {
    for (int i = 0; i < 4; ++i) stream->CallAsync(Serialized(big), outcomes.Collect());
  });
  for (const CallOutcome& o : outcomes.Wait(4)) EXPECT_TRUE(o.status.ok()) << o.status;
  EXPECT_EQ(stream->streams_opened(), 1u);
}

}  // namespace
}  // namespace ozone::rpc
