#include "scm/server/block_location_service.h"

#include <map>

#include "scm/ha/scm_requests.h"

namespace ozone::scm {

namespace {

// The most blocks one request may ask for.
constexpr uint32_t kMaxBlocksPerRequest = 10'000;

// Calls asked for on each completion queue at any time, so that a burst of calls finds one
// waiting.
constexpr int kRequestedCallsPerQueue = 32;

// One AllocateScmBlock call being served: asked for, received, answered.
struct AllocateCall {
  AllocateCall() : writer(&ctx) {}
  grpc::ServerContext ctx;
  AllocateScmBlockRequest req;
  AllocateScmBlockResponse resp;
  grpc::ServerAsyncResponseWriter<AllocateScmBlockResponse> writer;
  bool answered = false;
};

}  // namespace

void BlockLocationService::Serve(grpc::ServerCompletionQueue* cq) {
  auto ask = [this, cq] {
    auto* call = new AllocateCall();
    RequestAllocateScmBlock(&call->ctx, &call->req, &call->writer, cq, cq, call);
  };
  for (int i = 0; i < kRequestedCallsPerQueue; ++i) ask();
  void* tag = nullptr;
  bool ok = false;
  while (cq->Next(&tag, &ok)) {
    auto* call = static_cast<AllocateCall*>(tag);
    if (call->answered || !ok) {  // answer sent (or the client left), or shutting down
      delete call;
      continue;
    }
    ask();  // replaces the one received
    grpc::Status status = Allocate(&call->ctx, &call->req, &call->resp);
    call->answered = true;
    call->writer.Finish(call->resp, status, call);
  }
}

grpc::Status BlockLocationService::Allocate(grpc::ServerContext* ctx,
                                            const AllocateScmBlockRequest* req,
                                            AllocateScmBlockResponse* resp) {
  if (!d_.gate->IsLeaderReady()) return d_.gate->Reject(ctx, ScmProtocol::kBlock);
  if (req->numblocks() == 0 || req->numblocks() > kMaxBlocksPerRequest) {
    ToScmError(ScmStatus(INVALID_ARGUMENT, "numBlocks must be in [1, " +
                                               std::to_string(kMaxBlocksPerRequest) + "], not " +
                                               std::to_string(req->numblocks())),
               resp->mutable_error());
    return grpc::Status::OK;
  }
  hdds::ReplicationFactor factor = req->has_factor() ? req->factor() : hdds::THREE;
  Result<std::vector<AllocatedBlock>> blocks = d_.blocks->AllocateBlocks(
      req->size(), req->numblocks(), req->type(), factor, req->owner(), req->excludelist());
  if (!blocks.ok()) {
    if (auto r = d_.gate->RejectIfNotLeader(ctx, ScmProtocol::kBlock, blocks.status())) return *r;
    ToScmError(blocks.status(), resp->mutable_error());
    return grpc::Status::OK;
  }
  for (auto& b : *blocks) *resp->add_blocks() = std::move(b);
  return grpc::Status::OK;
}

grpc::Status BlockLocationService::DeleteScmKeyBlocks(grpc::ServerContext* ctx,
                                                      const DeleteScmKeyBlocksRequest* req,
                                                      DeleteScmKeyBlocksResponse* resp) {
  if (!d_.gate->IsLeaderReady()) return d_.gate->Reject(ctx, ScmProtocol::kBlock);
  std::map<int64_t, std::vector<int64_t>> by_container;
  for (const KeyBlocks& k : req->keyblocks()) {
    for (const hdds::BlockID& b : k.blocks()) {
      by_container[b.containerblockid().containerid()].push_back(b.containerblockid().localid());
    }
  }
  Status s = d_.deleted_blocks->AddTransactions(by_container);
  if (!s.ok()) {
    if (auto r = d_.gate->RejectIfNotLeader(ctx, ScmProtocol::kBlock, s)) return *r;
    ToScmError(s, resp->mutable_error());
    return grpc::Status::OK;
  }
  for (const KeyBlocks& k : req->keyblocks()) resp->add_keys(k.key());
  return grpc::Status::OK;
}

grpc::Status BlockLocationService::GetScmInfo(grpc::ServerContext* ctx,
                                              const GetScmInfoRequest* /*req*/,
                                              GetScmInfoResponse* resp) {
  if (!d_.gate->IsLeaderReady()) return d_.gate->Reject(ctx, ScmProtocol::kBlock);
  *resp = d_.scm_info();
  return grpc::Status::OK;
}

grpc::Status BlockLocationService::AddScm(grpc::ServerContext* ctx, const AddScmRequest* req,
                                          AddScmResponse* resp) {
  if (!d_.gate->IsLeaderReady()) return d_.gate->Reject(ctx, ScmProtocol::kBlock);
  Status s = d_.membership->AddScm(*req);
  if (!s.ok()) {
    if (auto r = d_.gate->RejectIfNotLeader(ctx, ScmProtocol::kBlock, s)) return *r;
    ToScmError(s, resp->mutable_error());
  }
  resp->set_success(s.ok());
  return grpc::Status::OK;
}

}  // namespace ozone::scm
