#include "ha/raft/transport/inbound_service.h"

#include <grpcpp/server_context.h>
#include <grpcpp/support/async_stream.h>
#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

#include "ha/raft/transport/cq_event.h"
#include "ha/raft/transport/raft_wire_codec.h"

namespace ozone::raft {

// One inbound stream, from the accept to Finish. At most one operation is pending at a time, so
// its events never run concurrently; it deletes itself when the stream is over.
class InboundService::Stream final : public CqEvent {
 public:
  explicit Stream(InboundService* service) : service_(service), rw_(&ctx_) {}

  // Arms the accept. REQUIRES: the service's mu_ is held and it is not shutting down.
  void Request() {
    service_->service_.RequestStream(&ctx_, &rw_, service_->cq_, service_->cq_, tag());
  }

  void Complete(bool ok) override {
    switch (phase_) {
      case Phase::kAccepting:
        if (!ok) return Release();  // the server is shutting down
        service_->Accept();         // the next stream
        peer_ = ctx_.peer();
        phase_ = Phase::kHello;
        rw_.Read(&frame_, tag());
        return;
      case Phase::kHello: {
        if (!ok) {
          return Finish(
              grpc::Status(grpc::StatusCode::CANCELLED, "stream ended before the handshake"));
        }
        grpc::Status hello = service_->CheckHello(frame_, peer_);
        if (!hello.ok()) {
          TransportCounters::Add(service_->counters_->streams_refused, 1);
          return Finish(hello);
        }
        sender_ = frame_.hello().sender_address() + " (" + peer_ + ")";
        wire::ServerFrame answer;
        answer.mutable_hello_ack()->set_protocol_version(kRaftWireProtocolVersion);
        answer.mutable_hello_ack()->set_cluster_id(service_->cluster_id_);
        phase_ = Phase::kAck;
        rw_.Write(answer, tag());  // serialized before Write returns
        return;
      }
      case Phase::kAck:
        if (!ok) {
          return Finish(
              grpc::Status(grpc::StatusCode::CANCELLED, "stream ended during the handshake"));
        }
        spdlog::debug("raft transport: accepted stream from {}", sender_);
        phase_ = Phase::kReading;
        rw_.Read(&frame_, tag());
        return;
      case Phase::kReading:
        if (!ok) {
          spdlog::debug("raft transport: stream from {} ended", sender_);
          return Finish(grpc::Status::OK);
        }
        // On this thread: the handlers run before the next read is started.
        service_->dispatcher_.Dispatch(&frame_, sender_);
        rw_.Read(&frame_, tag());
        return;
      case Phase::kFinishing:
        return Release();
    }
  }

 private:
  enum class Phase : uint8_t { kAccepting, kHello, kAck, kReading, kFinishing };

  void Finish(const grpc::Status& status) {
    phase_ = Phase::kFinishing;
    rw_.Finish(status, tag());
  }
  void Release() {
    InboundService* service = service_;
    delete this;
    service->Released();
  }

  InboundService* const service_;
  grpc::ServerContext ctx_;
  grpc::ServerAsyncReaderWriter<wire::ServerFrame, wire::ClientFrame> rw_;
  Phase phase_ = Phase::kAccepting;
  wire::ClientFrame frame_;  // reused between reads (keeps its allocations)
  std::string peer_;
  std::string sender_;
};

InboundService::InboundService(std::string cluster_id, GroupRegistry* registry,
                               TransportCounters* counters)
    : cluster_id_(std::move(cluster_id)), counters_(counters), dispatcher_(registry, counters) {}

InboundService::~InboundService() = default;

void InboundService::Start(grpc::ServerCompletionQueue* cq) {
  cq_ = cq;
  Accept();
}

void InboundService::Accept() {
  std::lock_guard lock(mu_);
  if (shutting_down_) return;
  ++live_;
  (new Stream(this))->Request();
}

void InboundService::BeginShutdown() {
  std::lock_guard lock(mu_);
  shutting_down_ = true;
}

void InboundService::Released() {
  std::lock_guard lock(mu_);
  if (--live_ == 0) released_cv_.notify_all();
}

void InboundService::Join() {
  std::unique_lock lock(mu_);
  released_cv_.wait(lock, [&] { return live_ == 0; });
}

grpc::Status InboundService::CheckHello(const wire::ClientFrame& frame, const std::string& peer) {
  if (!frame.has_hello()) {
    spdlog::warn("raft transport: refused stream from {}: no handshake", peer);
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "raft transport: the first frame of a stream must be a hello");
  }
  const wire::Hello& hello = frame.hello();
  if (hello.protocol_version() != kRaftWireProtocolVersion) {
    std::string message = "raft wire protocol version mismatch: " + hello.sender_address() +
                          " speaks " + std::to_string(hello.protocol_version()) + ", this server " +
                          std::to_string(kRaftWireProtocolVersion);
    spdlog::error("raft transport: refused stream from {}: {}", peer, message);
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, message);
  }
  if (hello.cluster_id() != cluster_id_) {
    std::string message = "cluster id mismatch: " + hello.sender_address() +
                          " belongs to cluster '" + hello.cluster_id() +
                          "', this server to cluster '" + cluster_id_ + "'";
    spdlog::error("raft transport: refused stream from {}: {}", peer, message);
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, message);
  }
  return grpc::Status::OK;
}

}  // namespace ozone::raft
