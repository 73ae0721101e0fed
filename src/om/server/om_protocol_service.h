// OmProtocolService: the gRPC translator of the OM client protocol (OzoneManagerService.Submit,
// Ozone's OzoneManagerProtocolServerSideTranslatorPB): every request, read or write, is served
// only by the ready leader (OmLeaderGate's NotLeader reply otherwise, with the leader's address);
// ServiceList and TransferLeadership go to OmRingAdmin, everything else to
// OmExecutionFlow::SubmitAsync. Responses carry leaderOMNodeId (this node). A flow error that
// says leadership was lost meanwhile becomes the NotLeader reply (the client retries with the
// same callId, which the retry cache answers if the write was applied); other errors are mapped
// by src/rpc.
//
// Submit, the same calls multiplexed over SubmitStream (rpc.proto), and over the framed protocol
// on the same port (rpc/framed_server.h, `framed()`; what OmClient uses) are served alike: gRPC's
// with its callback API, the framed ones on their connection's thread; reads, and writes up to
// their proposal, run on the thread that received the call; a write is answered from the
// replicator's callback once applied, so no thread waits for it. The server runs no
// completion-queue thread for them: such threads would poll the connections too and hand each call
// they read to a callback thread (one more thread wake-up per call; rpc/grpc_server.h). What blocks
// runs on a small pool instead: the ring admin commands, and the PreExecute of writes that call SCM
// (CreateKey, AllocateBlock) unless the blocks they need were allocated ahead
// (OmExecutionFlow::SubmitAsyncWithoutWaiting). Over a stream, a call this OM may not serve
// (NotLeader) ends the stream with that reply once the calls before it are answered; any other
// failure fails that call alone. A framed call fails alone in every case (the reply names the
// leader).
//
// Thread-safety: Serve runs on several threads at once; the dependencies are thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <mutex>
#include <string>

#include "om.grpc.pb.h"
#include "om/om_execution_flow.h"
#include "om/server/om_leader_gate.h"
#include "om/server/om_ring_admin.h"
#include "rpc/framed_server.h"
#include "rpc/grpc_server.h"
#include "rpc/worker_pool.h"

namespace ozone::om {

class OmProtocolService final
    : public OzoneManagerService::WithCallbackMethod_SubmitStream<
          OzoneManagerService::WithCallbackMethod_Submit<OzoneManagerService::Service>>,
      public rpc::AsyncMethods {
 public:
  // Threads for the calls that block (see above). Default: 8.
  static constexpr int kDefaultBlockingThreads = 8;

  // All must outlive the service.
  OmProtocolService(std::string node_id, const OmLeaderGate* gate, OmExecutionFlow* flow,
                    OmRingAdmin* admin, int blocking_threads = kDefaultBlockingThreads);
  ~OmProtocolService() override;

  // The framed calls' server, for rpc::GrpcServer to share the port with.
  rpc::FramedCallServer* framed() { return &framed_; }

  // Returns once every call received has been answered (rpc::GrpcServer::Stop).
  void WaitUntilAnswered() override;
  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* ctx, const OMRequest* request,
                                   OMResponse* response) override;
  grpc::ServerBidiReactor<OMCalls, OMReplies>* SubmitStream(
      grpc::CallbackServerContext* ctx) override;

 private:
  class Call;
  class UnaryCall;
  class StreamedCall;
  class FramedCall;
  using Rejection = OmLeaderGate::Rejection;
  // Serves a received call; `on_pool`: this is the blocking pool, not a receiving thread.
  void Handle(Call* call, bool on_pool);
  void Answer(Call* call, Result<OMResponse> result);
  // Sends the answer: `response` (not null) if `status` is OK; `rejection` (not null): `status`
  // is the NotLeader reply.
  void Finish(Call* call, OMResponse* response, const ozone::Status& status,
              const Rejection* rejection);

  const std::string node_id_;
  const OmLeaderGate* gate_;
  OmExecutionFlow* flow_;
  OmRingAdmin* admin_;
  rpc::WorkerPool blocking_;
  rpc::FramedCallServer framed_;

  std::mutex mu_;
  std::condition_variable answered_cv_;
  uint64_t unanswered_ = 0;  // guarded by mu_: calls received, Finish not called yet
};

}  // namespace ozone::om
