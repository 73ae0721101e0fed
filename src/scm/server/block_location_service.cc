#include "scm/server/block_location_service.h"

#include <google/protobuf/arena.h>

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "rpc/streamed_calls_reactor.h"
#include "scm/ha/scm_requests.h"

namespace ozone::scm {

namespace {

// The most blocks one request may ask for.
constexpr uint32_t kMaxBlocksPerRequest = 10'000;

// Calls asked for on each completion queue at any time, so that a burst of calls finds one
// waiting.
constexpr int kRequestedCallsPerQueue = 32;

// One AllocateScmBlock call being served: asked for, received, answered. The objects are reused
// call after call by one completion-queue thread; the request and response live on an arena
// whose first block is part of the object, so that a call with a few blocks allocates nothing
// for its messages (the pipeline of each block is copied once, onto the arena).
class AllocateCall {
 public:
  AllocateCall() : arena_(ArenaOptionsOf(first_block_, sizeof(first_block_))) {}

  // A fresh call to ask gRPC for.
  void Reset() {
    writer_.reset();
    ctx_.reset();
    arena_.Reset();
    ctx_.emplace();
    writer_.emplace(&*ctx_);
    req_ = google::protobuf::Arena::CreateMessage<AllocateScmBlockRequest>(&arena_);
    resp_ = google::protobuf::Arena::CreateMessage<AllocateScmBlockResponse>(&arena_);
    answered_ = false;
  }
  grpc::ServerContext* ctx() { return &*ctx_; }
  AllocateScmBlockRequest* req() { return req_; }
  AllocateScmBlockResponse* resp() { return resp_; }
  grpc::ServerAsyncResponseWriter<AllocateScmBlockResponse>* writer() { return &*writer_; }
  bool answered() const { return answered_; }
  void set_answered() { answered_ = true; }

 private:
  static google::protobuf::ArenaOptions ArenaOptionsOf(char* block, size_t size) {
    google::protobuf::ArenaOptions o;
    o.initial_block = block;
    o.initial_block_size = size;
    return o;
  }

  alignas(16) char first_block_[16 << 10];
  google::protobuf::Arena arena_;
  std::optional<grpc::ServerContext> ctx_;
  std::optional<grpc::ServerAsyncResponseWriter<AllocateScmBlockResponse>> writer_;
  AllocateScmBlockRequest* req_ = nullptr;
  AllocateScmBlockResponse* resp_ = nullptr;
  bool answered_ = false;
};

}  // namespace

void BlockLocationService::Serve(grpc::ServerCompletionQueue* cq) {
  std::vector<std::unique_ptr<AllocateCall>> calls;  // every call object of this queue
  std::vector<AllocateCall*> idle;
  auto ask = [&] {
    AllocateCall* call;
    if (idle.empty()) {
      calls.push_back(std::make_unique<AllocateCall>());
      call = calls.back().get();
    } else {
      call = idle.back();
      idle.pop_back();
    }
    call->Reset();
    RequestAllocateScmBlock(call->ctx(), call->req(), call->writer(), cq, cq, call);
  };
  for (int i = 0; i < kRequestedCallsPerQueue; ++i) ask();
  void* tag = nullptr;
  bool ok = false;
  while (cq->Next(&tag, &ok)) {
    auto* call = static_cast<AllocateCall*>(tag);
    if (call->answered() || !ok) {  // answer sent (or the client left), or shutting down
      idle.push_back(call);
      continue;
    }
    ask();  // replaces the one received
    grpc::Status status = Allocate(call->ctx(), call->req(), call->resp());
    call->set_answered();
    call->writer()->Finish(*call->resp(), status, call);
  }
}

grpc::ServerBidiReactor<AllocateScmBlockCalls, AllocateScmBlockReplies>*
BlockLocationService::AllocateScmBlockStream(grpc::CallbackServerContext* ctx) {
  using Reactor = rpc::StreamedCallsReactor<AllocateScmBlockCalls, AllocateScmBlockReplies>;
  return new Reactor(ctx, [this](grpc::CallbackServerContext* c, AllocateScmBlockRequest* req,
                                 Reactor::Answer answer) {
    // Built in a message of the thread's that Reply swaps with a reply slot of an earlier batch:
    // the blocks' messages and strings are reused rather than allocated anew.
    thread_local AllocateScmBlockResponse resp;
    resp.Clear();
    answer.Complete(Allocate(c, req, &resp), &resp);  // not OK: the NotLeader reply
  });
}

grpc::Status BlockLocationService::Allocate(grpc::ServerContextBase* ctx,
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
  Status s = d_.blocks->AllocateBlocks(req->size(), req->numblocks(), req->type(), factor,
                                      req->owner(), req->excludelist(), resp->mutable_blocks());
  if (!s.ok()) {
    resp->clear_blocks();
    if (auto r = d_.gate->RejectIfNotLeader(ctx, ScmProtocol::kBlock, s)) return *r;
    ToScmError(s, resp->mutable_error());
  }
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
