#include "om/server/om_protocol_service.h"

#include <memory>
#include <optional>
#include <vector>

#include "om/request/om_request_factory.h"
#include "rpc/grpc_status.h"

namespace ozone::om {

namespace {

// Calls asked for on each completion queue at any time, so that a burst of calls finds one
// waiting.
constexpr int kRequestedCallsPerQueue = 32;

}  // namespace

// One Submit call: asked for, received, answered. Objects are reused call after call by the
// completion-queue thread that owns them; between calls they hold no gRPC call.
class OmProtocolService::Call {
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
  OMRequest* request() { return &request_; }
  OMResponse* response() { return &response_; }
  grpc::ServerAsyncResponseWriter<OMResponse>* writer() { return &*writer_; }
  bool answered() const { return answered_; }
  void set_answered() { answered_ = true; }

 private:
  std::optional<grpc::ServerContext> ctx_;
  std::optional<grpc::ServerAsyncResponseWriter<OMResponse>> writer_;
  OMRequest request_;
  OMResponse response_;
  bool answered_ = false;
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
  std::vector<std::unique_ptr<Call>> calls;  // every call object of this queue
  std::vector<Call*> idle;
  auto ask = [&] {
    Call* call;
    if (idle.empty()) {
      calls.push_back(std::make_unique<Call>());
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
    auto* call = static_cast<Call*>(tag);
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
    Finish(call, gate_->Reject(call->ctx()));
    return;
  }
  const Type type = call->request()->cmdtype();
  if (!on_pool && (IsServerCommand(type) || PreExecuteCallsScm(type))) {
    blocking_.Post([this, call] { Handle(call, /*on_pool=*/true); });
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
    if (auto reject = gate_->RejectIfNotLeader(call->ctx(), result.status())) {
      Finish(call, *reject);
    } else {
      Finish(call, rpc::ToGrpc(result.status()));
    }
    return;
  }
  *call->response() = std::move(*result);
  call->response()->set_leaderomnodeid(node_id_);
  Finish(call, grpc::Status::OK);
}

void OmProtocolService::Finish(Call* call, const grpc::Status& status) {
  call->set_answered();  // before Finish: its tag may come back on the queue at once
  call->writer()->Finish(*call->response(), status, call);
  bool last;
  {
    std::lock_guard<std::mutex> l(mu_);
    last = --unanswered_ == 0;
  }
  if (last) answered_cv_.notify_all();
}

}  // namespace ozone::om
