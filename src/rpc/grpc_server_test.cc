// GrpcServer with an asynchronous method answered from a WorkerPool, after the completion-queue
// thread that received the call went on (the OM client protocol's shape), and its Stop with a
// call still unanswered.
#include "rpc/grpc_server.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "echo.grpc.pb.h"
#include "rpc/worker_pool.h"

namespace ozone::rpc {
namespace {

using testing::Echo;
using testing::EchoRequest;
using testing::EchoResponse;

// Answers every Say from its pool; a call whose text is "hold" is answered only when the server
// stops (WaitUntilAnswered), which must come before the queues shut down.
class PoolEcho final : public Echo::WithAsyncMethod_Say<Echo::Service>, public AsyncMethods {
 public:
  struct Call {
    grpc::ServerContext ctx;
    EchoRequest req;
    EchoResponse resp;
    grpc::ServerAsyncResponseWriter<EchoResponse> writer{&ctx};
    bool answered = false;
  };

  void Serve(grpc::ServerCompletionQueue* cq) override {
    std::vector<std::unique_ptr<Call>> calls;
    auto ask = [&] {
      calls.push_back(std::make_unique<Call>());
      Call* c = calls.back().get();
      RequestSay(&c->ctx, &c->req, &c->writer, cq, cq, c);
    };
    ask();
    void* tag;
    bool ok;
    while (cq->Next(&tag, &ok)) {
      auto* c = static_cast<Call*>(tag);
      if (c->answered || !ok) continue;
      ask();
      {
        std::lock_guard<std::mutex> l(mu_);
        ++unanswered_;
        cq_threads_.insert(std::this_thread::get_id());
        if (c->req.text() == "hold") {
          held_ = c;
          cv_.notify_all();
          continue;
        }
      }
      pool_.Post([this, c] { Answer(c); });
    }
  }

  void WaitUntilAnswered() override {
    std::unique_lock<std::mutex> l(mu_);
    stopping_ = true;
    if (held_ != nullptr) {
      Call* c = held_;
      held_ = nullptr;
      pool_.Post([this, c] { Answer(c); });
    }
    cv_.wait(l, [this] { return unanswered_ == 0; });
  }

  void WaitHeld() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [this] { return held_ != nullptr; });
  }
  bool AnsweredOnlyOffTheQueues() {
    std::lock_guard<std::mutex> l(mu_);
    for (auto id : answer_threads_) {
      if (cq_threads_.count(id)) return false;
    }
    return !answer_threads_.empty();
  }

 private:
  void Answer(Call* c) {
    c->resp.set_text(c->req.text());
    {
      std::lock_guard<std::mutex> l(mu_);
      answer_threads_.insert(std::this_thread::get_id());
      c->resp.set_served_by(stopping_ ? "stopping" : "pool");
    }
    c->answered = true;
    c->writer.Finish(c->resp, grpc::Status::OK, c);
    std::lock_guard<std::mutex> l(mu_);
    --unanswered_;
    cv_.notify_all();
  }

  WorkerPool pool_{2, "echo-pool"};
  std::mutex mu_;
  std::condition_variable cv_;
  int unanswered_ = 0;
  bool stopping_ = false;
  Call* held_ = nullptr;
  std::set<std::thread::id> cq_threads_, answer_threads_;
};

// A server on a free loopback port whose `service` also serves its own asynchronous methods.
template <typename Service>
Result<std::unique_ptr<GrpcServer>> StartEcho(Service* service, int async_threads) {
  GrpcServerOptions o;
  o.async = service;
  o.async_threads = async_threads;
  return GrpcServer::Start("127.0.0.1:0", {service}, "echo", o);
}

std::unique_ptr<Echo::Stub> StubFor(const GrpcServer& server) {
  return Echo::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()),
                                           grpc::InsecureChannelCredentials()));
}

TEST(GrpcServerTest, AnAsyncMethodIsAnsweredFromAnotherThread) {
  PoolEcho service;
  auto server = StartEcho(&service, /*async_threads=*/2);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = StubFor(**server);
  std::vector<std::thread> clients;
  std::mutex mu;
  std::vector<std::string> texts;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&, i] {
      for (int j = 0; j < 10; ++j) {
        grpc::ClientContext ctx;
        EchoRequest req;
        req.set_text("c" + std::to_string(i) + "-" + std::to_string(j));
        EchoResponse resp;
        grpc::Status s = stub->Say(&ctx, req, &resp);
        std::lock_guard<std::mutex> l(mu);
        texts.push_back(s.ok() && resp.served_by() == "pool" && resp.text() == req.text()
                            ? "ok"
                            : s.error_message() + resp.text());
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(texts, std::vector<std::string>(80, "ok"));
  EXPECT_TRUE(service.AnsweredOnlyOffTheQueues());
  (*server)->Stop();
}

TEST(GrpcServerTest, StopLetsTheServiceAnswerWhatItHoldsBeforeTheQueuesClose) {
  PoolEcho service;
  auto server = StartEcho(&service, /*async_threads=*/1);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = StubFor(**server);
  grpc::Status status;
  EchoResponse resp;
  std::thread client([&] {
    grpc::ClientContext ctx;
    EchoRequest req;
    req.set_text("hold");
    status = stub->Say(&ctx, req, &resp);
  });
  service.WaitHeld();
  (*server)->Stop();  // answers the held call through WaitUntilAnswered, then closes the queues
  client.join();
  // Answered during the grace, or cancelled (the connection closed) after it: either way the
  // answer went to a live queue, and nothing crashed.
  if (status.ok()) {
    EXPECT_EQ(resp.served_by(), "stopping");
  } else {
    EXPECT_TRUE(status.error_code() == grpc::StatusCode::CANCELLED ||
                status.error_code() == grpc::StatusCode::UNAVAILABLE)
        << status.error_code() << " " << status.error_message();
  }
  (*server)->Stop();  // idempotent
}

// Answers Say with gRPC's callback API, from its pool; counts the completion-queue threads it was
// given and the waits at Stop.
class CallbackEcho final : public Echo::WithCallbackMethod_Say<Echo::Service>, public AsyncMethods {
 public:
  grpc::ServerUnaryReactor* Say(grpc::CallbackServerContext* ctx, const EchoRequest* request,
                                EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    pool_.Post([request, response, reactor] {
      response->set_text(request->text());
      response->set_served_by("pool");
      reactor->Finish(grpc::Status::OK);
    });
    return reactor;
  }
  void Serve(grpc::ServerCompletionQueue* cq) override {
    ++queues_served;
    AsyncMethods::Serve(cq);
  }
  void WaitUntilAnswered() override { ++waits; }

  std::atomic<int> queues_served{0};
  std::atomic<int> waits{0};

 private:
  WorkerPool pool_{2, "echo-pool"};
};

TEST(GrpcServerTest, CallbackMethodsNeedNoCompletionQueueThread) {
  CallbackEcho service;
  auto server = StartEcho(&service, /*async_threads=*/0);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = StubFor(**server);
  for (int i = 0; i < 10; ++i) {
    grpc::ClientContext ctx;
    EchoRequest req;
    req.set_text("t" + std::to_string(i));
    EchoResponse resp;
    grpc::Status s = stub->Say(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.text(), req.text());
    EXPECT_EQ(resp.served_by(), "pool");
  }
  (*server)->Stop();
  EXPECT_EQ(service.queues_served.load(), 0);
  EXPECT_EQ(service.waits.load(), 1);
}

}  // namespace
}  // namespace ozone::rpc
