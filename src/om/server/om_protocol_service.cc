#include "om/server/om_protocol_service.h"

#include <memory>
#include <optional>
#include <vector>

#include "om/request/om_request_factory.h"
#include "rpc/grpc_status.h"
#include "rpc/streamed_calls_reactor.h"

namespace ozone::om {

namespace {

// Calls asked for on each completion queue at any time, so that a burst of calls finds one
// waiting.
constexpr int kRequestedCallsPerQueue = 32;

}  // namespace

// A Submit call being served, unary or streamed.
class OmProtocolService::Call {
 public:
  virtual ~Call() = default;
  virtual grpc::ServerContextBase* context() = 0;
  virtual OMRequest* request() = 0;
  // See OmProtocolService::Finish.
  virtual void Send(OMResponse* response, const grpc::Status& status, bool not_leader) = 0;
};

// One unary Submit call: asked for, received, answered. Objects are reused call after call by
// the completion-queue thread that owns them; between calls they hold no gRPC call.
class OmProtocolService::UnaryCall final : public Call {
 public:
  void Reset() {
    writer_.reset();
    ctx_.emplace();
    writer_.emplace(&*ctx_);
    request_.Clear();
    response_.Clear();
    answered_ = false;
  }
  // Drops the finished gRPC call (its context holds a reference on it).
  void Release() {
    writer_.reset();
    ctx_.reset();
  }
  grpc::ServerContext* ctx() { return &*ctx_; }
  grpc::ServerContextBase* context() override { return &*ctx_; }
  OMRequest* request() override { return &request_; }
  grpc::ServerAsyncResponseWriter<OMResponse>* writer() { return &*writer_; }
  bool answered() const { return answered_; }

  void Send(OMResponse* response, const grpc::Status& status, bool /*not_leader*/) override {
    if (response != nullptr) response_.Swap(response);
    answered_ = true;  // before Finish: its tag may come back on the queue at once
    writer_->Finish(response_, status, this);
  }

 private:
  std::optional<grpc::ServerContext> ctx_;
  std::optional<grpc::ServerAsyncResponseWriter<OMResponse>> writer_;
  OMRequest request_;
  OMResponse response_;
  bool answered_ = false;
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
  grpc::ServerContextBase* context() override { return ctx_; }
  OMRequest* request() override { return &request_; }

  void Send(OMResponse* response, const grpc::Status& status, bool not_leader) override {
    if (not_leader) {
      answer_.EndStream(status);
    } else if (status.ok()) {
      answer_.Reply(response);
    } else {
      answer_.Fail(status);
    }
    delete this;
  }

 private:
  grpc::CallbackServerContext* const ctx_;
  OMRequest request_;
  Reactor::Answer answer_;
};

OmProtocolService::OmProtocolService(std::string node_id, const OmLeaderGate* gate,
                                     OmExecutionFlow* flow, OmRingAdmin* admin,
                                     int blocking_threads)
    : node_id_(std::move(node_id)),
      gate_(gate),
      flow_(flow),
      admin_(admin),
      blocking_(blocking_threads, "om-rpc-blocking") {}

OmProtocolService::~OmProtocolService() { blocking_.Stop(); }

void OmProtocolService::Serve(grpc::ServerCompletionQueue* cq) {
  std::vector<std::unique_ptr<UnaryCall>> calls;  // every call object of this queue
  std::vector<UnaryCall*> idle;
  auto ask = [&] {
    UnaryCall* call;
    if (idle.empty()) {
      calls.push_back(std::make_unique<UnaryCall>());
      call = calls.back().get();
    } else {
      call = idle.back();
      idle.pop_back();
    }
    call->Reset();
    RequestSubmit(call->ctx(), call->request(), call->writer(), cq, cq, call);
  };
  for (int i = 0; i < kRequestedCallsPerQueue; ++i) ask();
  void* tag = nullptr;
  bool ok = false;
  while (cq->Next(&tag, &ok)) {
    auto* call = static_cast<UnaryCall*>(tag);
    if (call->answered() || !ok) {  // answer sent (or the client left), or shutting down
      call->Release();
      idle.push_back(call);
      continue;
    }
    ask();  // replaces the one received
    {
      std::lock_guard<std::mutex> l(mu_);
      ++unanswered_;
    }
    Handle(call, /*on_pool=*/false);
  }
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
    Finish(call, nullptr, gate_->Reject(call->context()), /*not_leader=*/true);
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
    if (auto reject = gate_->RejectIfNotLeader(call->context(), result.status())) {
      Finish(call, nullptr, *reject, /*not_leader=*/true);
    } else {
      Finish(call, nullptr, rpc::ToGrpc(result.status()), /*not_leader=*/false);
    }
    return;
  }
  result->set_leaderomnodeid(node_id_);
  Finish(call, &*result, grpc::Status::OK, /*not_leader=*/false);
}

void OmProtocolService::Finish(Call* call, OMResponse* response, const grpc::Status& status,
                               bool not_leader) {
  call->Send(response, status, not_leader);
  bool last;
  {
    std::lock_guard<std::mutex> l(mu_);
    last = --unanswered_ == 0;
  }
  if (last) answered_cv_.notify_all();
}

}  // namespace ozone::om
