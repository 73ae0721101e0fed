#include "om/server/om_protocol_service.h"

#include <memory>

#include "common/latency_breakdown.h"
#include "om/request/om_request_factory.h"
#include "rpc/grpc_status.h"
#include "rpc/not_leader_reply.h"
#include "rpc/streamed_calls_reactor.h"

namespace ozone::om {

// A Submit call being served, unary, streamed or framed.
class OmProtocolService::Call {
 public:
  virtual ~Call() = default;
  virtual OMRequest* request() = 0;
  // See OmProtocolService::Finish.
  virtual void Send(OMResponse* response, const ozone::Status& status,
                    const Rejection* rejection) = 0;
};

// One unary Submit call: owns a copy of its request, answers through the call's default
// reactor, and deletes itself once answered.
class OmProtocolService::UnaryCall final : public Call {
 public:
  UnaryCall(grpc::CallbackServerContext* ctx, const OMRequest& request, OMResponse* response)
      : ctx_(ctx), reactor_(ctx->DefaultReactor()), request_(request), response_(response) {}
  grpc::ServerUnaryReactor* reactor() const { return reactor_; }
  OMRequest* request() override { return &request_; }

  void Send(OMResponse* response, const ozone::Status& status,
            const Rejection* rejection) override {
    if (response != nullptr) response_->Swap(response);
    if (rejection != nullptr) rpc::AddLeaderHint(ctx_, rejection->leader);
    const grpc::Status g = rpc::ToGrpc(status);
    grpc::ServerUnaryReactor* reactor = reactor_;
    delete this;  // gRPC may free the context and the response once Finish is called
    reactor->Finish(g);
  }

 private:
  grpc::CallbackServerContext* const ctx_;
  grpc::ServerUnaryReactor* const reactor_;
  OMRequest request_;
  OMResponse* const response_;  // gRPC's, valid until Finish
};

// One call of a SubmitStream: owns its request (handed out by the stream's reactor), answers
// through the reactor, and deletes itself once answered.
class OmProtocolService::StreamedCall final : public Call {
 public:
  using Reactor = rpc::StreamedCallsReactor<OMCalls, OMReplies>;

  StreamedCall(grpc::CallbackServerContext* ctx, OMRequest* request, Reactor::Answer answer)
      : ctx_(ctx), answer_(std::move(answer)) {
    request_.Swap(request);
  }
  OMRequest* request() override { return &request_; }

  void Send(OMResponse* response, const ozone::Status& status,
            const Rejection* rejection) override {
    if (rejection != nullptr) {
      rpc::AddLeaderHint(ctx_, rejection->leader);
      answer_.EndStream(rpc::ToGrpc(status));
    } else if (status.ok()) {
      answer_.Reply(response);
    } else {
      answer_.Fail(rpc::ToGrpc(status));
    }
    delete this;
  }

 private:
  grpc::CallbackServerContext* const ctx_;
  OMRequest request_;
  Reactor::Answer answer_;
};

// One framed call (rpc/framed_server.h): parsed from its bytes, answered with the response's
// bytes; deletes itself once answered. A NotLeader reply fails this call alone, naming the leader.
class OmProtocolService::FramedCall final : public Call {
 public:
  explicit FramedCall(rpc::FramedAnswer answer) : answer_(std::move(answer)) {}
  OMRequest* request() override { return &request_; }

  void Send(OMResponse* response, const ozone::Status& status,
            const Rejection* rejection) override {
    if (status.ok()) {
      answer_.Reply(response->SerializeAsString());
      ProbeEnd();
    } else {
      answer_.Fail(status, rejection != nullptr ? rejection->leader : std::nullopt);
    }
    delete this;
  }

 private:
  OMRequest request_;
  rpc::FramedAnswer answer_;
};

OmProtocolService::OmProtocolService(std::string node_id, const OmLeaderGate* gate,
                                     OmExecutionFlow* flow, OmRingAdmin* admin,
                                     int blocking_threads)
    : node_id_(std::move(node_id)),
      gate_(gate),
      flow_(flow),
      admin_(admin),
      blocking_(blocking_threads, "om-rpc-blocking"),
      framed_("om-framed", [this](std::string* request, rpc::FramedAnswer answer) {
        ProbeMark(WriteStage::kRequestRead);
        auto* call = new FramedCall(std::move(answer));
        {
          std::lock_guard<std::mutex> l(mu_);
          ++unanswered_;
        }
        if (!call->request()->ParseFromString(*request)) {
          Finish(call, nullptr, ozone::Status::InvalidArgument("undecodable OMRequest"), nullptr);
          return;
        }
        Handle(call, /*on_pool=*/false);
      }) {}

OmProtocolService::~OmProtocolService() {
  framed_.Stop();
  blocking_.Stop();
}

grpc::ServerUnaryReactor* OmProtocolService::Submit(grpc::CallbackServerContext* ctx,
                                                    const OMRequest* request,
                                                    OMResponse* response) {
  auto* call = new UnaryCall(ctx, *request, response);
  grpc::ServerUnaryReactor* reactor = call->reactor();  // the call may be answered in Handle
  {
    std::lock_guard<std::mutex> l(mu_);
    ++unanswered_;
  }
  Handle(call, /*on_pool=*/false);
  return reactor;
}

grpc::ServerBidiReactor<OMCalls, OMReplies>* OmProtocolService::SubmitStream(
    grpc::CallbackServerContext* ctx) {
  return new StreamedCall::Reactor(
      ctx, [this](grpc::CallbackServerContext* c, OMRequest* request,
                  StreamedCall::Reactor::Answer answer) {
        {
          std::lock_guard<std::mutex> l(mu_);
          ++unanswered_;
        }
        Handle(new StreamedCall(c, request, std::move(answer)), /*on_pool=*/false);
      });
}

void OmProtocolService::WaitUntilAnswered() {
  std::unique_lock<std::mutex> l(mu_);
  answered_cv_.wait(l, [this] { return unanswered_ == 0; });
}

void OmProtocolService::Handle(Call* call, bool on_pool) {
  if (call->request()->cmdtype() == PrepareStatus) {  // every OM answers for itself
    Answer(call, flow_->Read(*call->request()));
    return;
  }
  if (!gate_->IsLeaderReady()) {
    const Rejection r = gate_->Rejected();
    Finish(call, nullptr, r.status, &r);
    return;
  }
  const Type type = call->request()->cmdtype();
  if (!on_pool && IsServerCommand(type)) {
    blocking_.Post([this, call] { Handle(call, /*on_pool=*/true); });
    return;
  }
  if (!on_pool && PreExecuteCallsScm(type)) {
    // Here when its blocks are at hand (allocated ahead), else on the pool: it waits for SCM.
    OmExecutionFlow::SubmitCallback done = [this, call](Result<OMResponse> r) {
      Answer(call, std::move(r));
    };
    if (!flow_->SubmitAsyncWithoutWaiting(*call->request(), done)) {
      blocking_.Post([this, call] { Handle(call, /*on_pool=*/true); });
    }
    return;
  }
  switch (type) {
    case ServiceList:
      Answer(call, admin_->ServiceList(*call->request()));
      return;
    case TransferLeadership:
      Answer(call, admin_->TransferLeadership(*call->request()));
      return;
    default:
      flow_->SubmitAsync(std::move(*call->request()),
                         [this, call](Result<OMResponse> r) { Answer(call, std::move(r)); });
      return;
  }
}

void OmProtocolService::Answer(Call* call, Result<OMResponse> result) {
  if (!result.ok()) {
    if (std::optional<Rejection> r = gate_->RejectedIfNotLeader(result.status())) {
      Finish(call, nullptr, r->status, &*r);
    } else {
      Finish(call, nullptr, result.status(), nullptr);
    }
    return;
  }
  result->set_leaderomnodeid(node_id_);
  Finish(call, &*result, ozone::Status::OK(), nullptr);
}

void OmProtocolService::Finish(Call* call, OMResponse* response, const ozone::Status& status,
                               const Rejection* rejection) {
  call->Send(response, status, rejection);
  bool last;
  {
    std::lock_guard<std::mutex> l(mu_);
    last = --unanswered_ == 0;
  }
  if (last) answered_cv_.notify_all();
}

}  // namespace ozone::om
