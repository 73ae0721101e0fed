// EchoServer: one in-process replica of the Echo test service (testdata/echo.proto) for the tests
// of src/rpc. It answers Say, and the same calls multiplexed over SayStream, as a leader (echoes
// the text), a follower (NotLeader, with or without a leader hint), or with an error; a test may
// hold its calls at a gate, or have streamed calls answered later by another thread, newest
// first.
//
// Thread-safety: the setters may be called while gRPC serves calls.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "echo.grpc.pb.h"
#include "rpc/grpc_status.h"
#include "rpc/not_leader_reply.h"
#include "rpc/streamed_calls_reactor.h"

namespace ozone::rpc::testing {

class EchoServer final : public Echo::WithCallbackMethod_SayStream<Echo::Service> {
 public:
  explicit EchoServer(std::string name, int port = 0) : name_(std::move(name)) {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials(),
                       &port_);
    b.RegisterService(this);
    server_ = b.BuildAndStart();
  }
  ~EchoServer() override {
    OpenGate();
    {
      std::lock_guard<std::mutex> l(mu_);
      stopping_ = true;
      cv_.notify_all();
    }
    if (answerer_.joinable()) answerer_.join();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  // Streamed calls are answered by another thread once `n` wait, newest first.
  void AnswerLaterInGroupsOf(int n) {
    std::lock_guard<std::mutex> l(mu_);
    group_ = n;
    if (!answerer_.joinable()) answerer_ = std::thread([this] { AnswerGroups(); });
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void BeLeader() { Set(true, std::nullopt, Status::OK()); }
  void BeFollower(std::optional<std::string> hint) { Set(false, std::move(hint), Status::OK()); }
  void Fail(Status s) { Set(true, std::nullopt, std::move(s)); }
  // Calls received (unary and streamed) and streams opened.
  int calls() const { return calls_.load(); }
  int streams() const { return streams_.load(); }

  // Holds every call whose text is `text` until OpenGate; WaitHeld waits until `n` are held.
  void CloseGate(std::string text) {
    std::lock_guard<std::mutex> l(mu_);
    gate_ = std::move(text);
  }
  void OpenGate() {
    std::lock_guard<std::mutex> l(mu_);
    gate_.reset();
    cv_.notify_all();
  }
  void WaitHeld(int n) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return held_ >= n; });
  }

  grpc::Status Say(grpc::ServerContext* ctx, const EchoRequest* req, EchoResponse* resp) override {
    return Answer(ctx, *req, resp);
  }

  grpc::ServerBidiReactor<EchoCalls, EchoReplies>* SayStream(
      grpc::CallbackServerContext* ctx) override {
    ++streams_;
    using Reactor = StreamedCallsReactor<EchoCalls, EchoReplies>;
    return new Reactor(ctx, [this](grpc::CallbackServerContext* c, EchoRequest* req,
                                   Reactor::Answer answer) {
      {
        std::lock_guard<std::mutex> l(mu_);
        if (group_ > 0) {
          later_.push_back({*req, std::move(answer)});
          cv_.notify_all();
          return;
        }
      }
      EchoResponse resp;
      grpc::Status s = Answer(c, *req, &resp);
      answer.Complete(std::move(s), &resp);
    });
  }

 private:
  using StreamAnswer = CallAnswer<EchoCalls, EchoReplies>;
  struct Later {
    EchoRequest request;
    StreamAnswer answer;
  };

  void AnswerGroups() {
    std::unique_lock<std::mutex> l(mu_);
    while (true) {
      cv_.wait(l, [&] { return stopping_ || static_cast<int>(later_.size()) >= group_; });
      if (stopping_) break;
      std::vector<Later> group;
      group.swap(later_);
      l.unlock();
      for (auto it = group.rbegin(); it != group.rend(); ++it) {
        EchoResponse resp;
        resp.set_text(it->request.text());
        resp.set_served_by(name_);
        it->answer.Reply(&resp);
      }
      l.lock();
    }
    later_.clear();  // unanswered: failed by their CallAnswer
  }

  grpc::Status Answer(grpc::ServerContextBase* ctx, const EchoRequest& req, EchoResponse* resp) {
    ++calls_;
    std::unique_lock<std::mutex> l(mu_);
    if (gate_ && *gate_ == req.text()) {
      ++held_;
      cv_.notify_all();
      cv_.wait(l, [&] { return !gate_ || *gate_ != req.text(); });
    }
    if (!error_.ok()) return ToGrpc(error_);
    if (!leader_) {
      std::optional<LeaderHint> hint;
      if (hint_) hint = LeaderHint{*hint_, "leader"};
      return NotLeaderReply(ctx, name_, hint);
    }
    resp->set_text(req.text());
    resp->set_served_by(name_);
    return grpc::Status::OK;
  }

  void Set(bool leader, std::optional<std::string> hint, Status error) {
    std::lock_guard<std::mutex> l(mu_);
    leader_ = leader;
    hint_ = std::move(hint);
    error_ = std::move(error);
  }

  std::string name_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::atomic<int> calls_{0};
  std::atomic<int> streams_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool leader_ = true;               // guarded by mu_
  std::optional<std::string> hint_;  // guarded by mu_
  Status error_;                     // guarded by mu_
  std::optional<std::string> gate_;  // guarded by mu_
  int held_ = 0;                     // guarded by mu_
  int group_ = 0;                    // guarded by mu_
  bool stopping_ = false;            // guarded by mu_
  std::vector<Later> later_;         // guarded by mu_
  std::thread answerer_;
};

}  // namespace ozone::rpc::testing
