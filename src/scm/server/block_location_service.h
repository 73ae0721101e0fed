// BlockLocationService: the gRPC translator of ScmBlockLocationProtocol (Ozone's
// ScmBlockLocationProtocolServerSideTranslatorPB + SCMBlockProtocolServer): OM allocates and
// deletes blocks, bootstrapping SCMs ask for the ring's identity and to be added. Every call is
// leader only: a follower (or a leader not ready yet) answers NotLeader with the leader's block
// location address. Bad requests are refused with INVALID_ARGUMENT in the response; nothing
// changes.
//
// AllocateScmBlock, the hot one (OM calls it for every block), is served two ways: as unary calls,
// asynchronously from the block server's completion-queue threads (Serve), each answered on the
// thread that received it; and multiplexed over AllocateScmBlockStream (rpc.proto, what
// ScmClient uses), whose batches of calls are answered on gRPC's callback threads. The other
// methods are gRPC's synchronous ones.
//
// Thread-safety: gRPC calls the methods concurrently, Serve runs on several threads at once;
// the dependencies are thread-safe.
#pragma once

#include <functional>

#include "rpc/grpc_server.h"
#include "scm.grpc.pb.h"
#include "scm/block/block_manager.h"
#include "scm/block/deleted_block_log.h"
#include "scm/server/leader_gate.h"
#include "scm/server/scm_membership.h"

namespace ozone::scm {

struct BlockLocationDeps {
  const LeaderGate* gate = nullptr;
  BlockManager* blocks = nullptr;
  DeletedBlockLog* deleted_blocks = nullptr;
  ScmMembership* membership = nullptr;
  std::function<GetScmInfoResponse()> scm_info;
};

class BlockLocationService final
    : public ScmBlockLocationProtocol::WithCallbackMethod_AllocateScmBlockStream<
          ScmBlockLocationProtocol::WithAsyncMethod_AllocateScmBlock<
              ScmBlockLocationProtocol::Service>>,
      public rpc::AsyncMethods {
 public:
  explicit BlockLocationService(BlockLocationDeps deps) : d_(std::move(deps)) {}

  // AllocateScmBlock calls, on `cq` (rpc::GrpcServer's completion-queue threads).
  void Serve(grpc::ServerCompletionQueue* cq) override;
  grpc::ServerBidiReactor<AllocateScmBlockCalls, AllocateScmBlockReplies>* AllocateScmBlockStream(
      grpc::CallbackServerContext* ctx) override;
  // One AllocateScmBlock call (unary or streamed). A status other than OK is the NotLeader reply.
  grpc::Status Allocate(grpc::ServerContextBase* ctx, const AllocateScmBlockRequest* req,
                        AllocateScmBlockResponse* resp);
  grpc::Status DeleteScmKeyBlocks(grpc::ServerContext* ctx, const DeleteScmKeyBlocksRequest* req,
                                  DeleteScmKeyBlocksResponse* resp) override;
  grpc::Status GetScmInfo(grpc::ServerContext* ctx, const GetScmInfoRequest* req,
                          GetScmInfoResponse* resp) override;
  grpc::Status AddScm(grpc::ServerContext* ctx, const AddScmRequest* req,
                      AddScmResponse* resp) override;

 private:
  BlockLocationDeps d_;
};

}  // namespace ozone::scm
