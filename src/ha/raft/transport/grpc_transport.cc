#include "ha/raft/transport/grpc_transport.h"

#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/thread_name.h"
#include "ha/raft/transport/cq_event.h"
#include "ha/raft/transport/group_registry.h"
#include "ha/raft/transport/inbound_service.h"
#include "ha/raft/transport/outbound_stream.h"
#include "ha/raft/transport/transport_counters.h"
#include "ha/raft/transport/transport_credentials.h"

namespace ozone::raft {

namespace {

Status Validate(const GrpcTransportOptions& o) {
  if (o.listen_address.empty()) {
    return Status::InvalidArgument("raft transport: listen_address is required");
  }
  if (o.cluster_id.empty())
    return Status::InvalidArgument("raft transport: cluster_id is required");
  if (o.max_queue_bytes == 0 || o.max_batch_bytes == 0 || o.max_receive_message_bytes <= 0) {
    return Status::InvalidArgument("raft transport: queue, batch and message bounds must be > 0");
  }
  if (o.initial_backoff.count() <= 0 || o.max_backoff < o.initial_backoff ||
      o.connect_timeout.count() <= 0 || o.keepalive_time.count() <= 0 ||
      o.keepalive_timeout.count() <= 0 || o.completion_queue_threads < 1) {
    return Status::InvalidArgument(
        "raft transport: backoffs, connect timeout, keepalive and completion-queue threads "
        "must be > 0, and max_backoff >= initial_backoff");
  }
  return Status::OK();
}

int ToIntMillis(std::chrono::milliseconds d) {
  return static_cast<int>(std::min<int64_t>(d.count(), std::numeric_limits<int>::max()));
}

}  // namespace

class GrpcTransport::Impl {
 public:
  Impl(GrpcTransportOptions options, TransportCredentials credentials)
      : options_(std::move(options)), credentials_(std::move(credentials)) {
    outbound_.cluster_id = options_.cluster_id;
    outbound_.credentials = credentials_.channel;
    outbound_.max_queue_bytes = options_.max_queue_bytes;
    outbound_.max_batch_bytes = options_.max_batch_bytes;
    outbound_.initial_backoff = options_.initial_backoff;
    outbound_.max_backoff = options_.max_backoff;
    outbound_.connect_timeout = options_.connect_timeout;
    grpc::ChannelArguments& args = outbound_.channel_args;
    // Channels are per connection attempt: do not share subchannels (and their backoff state)
    // with other channels of the process.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    // A stream is never retried by gRPC: Raft retransmits, and retries would buffer messages.
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, ToIntMillis(options_.keepalive_time));
    args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ToIntMillis(options_.keepalive_timeout));
    args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
    if (!options_.tls_server_name_override.empty()) {
      args.SetSslTargetNameOverride(options_.tls_server_name_override);
    }
  }

  ~Impl() { Shutdown(); }

  Status StartServer() {
    service_ = std::make_unique<InboundService>(options_.cluster_id, &registry_, &counters_);
    grpc::ServerBuilder builder;
    builder.AddListeningPort(options_.listen_address, credentials_.server, &port_);
    builder.RegisterService(service_->service());
    // One queue for everything: inbound streams, outbound streams, alarms.
    cq_ = builder.AddCompletionQueue();
    builder.SetMaxReceiveMessageSize(options_.max_receive_message_bytes);
    // Two servers on one port would split a peer's streams between them: refuse to share.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    // Accept the clients' keepalive pings, even on idle connections.
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                               ToIntMillis(options_.keepalive_time / 2));
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
    server_ = builder.BuildAndStart();
    for (int i = 0; i < options_.completion_queue_threads; ++i) {
      cq_threads_.emplace_back([this] { PollCompletionQueue(); });
    }
    if (server_ == nullptr || port_ == 0) {
      server_.reset();
      StopCompletionQueue();
      return Status::Unavailable("raft transport: cannot listen on " + options_.listen_address);
    }
    service_->Start(cq_.get());
    if (options_.advertised_address.empty()) {
      // The listen host with the bound port (which differs when port 0 was asked for).
      const std::string& listen = options_.listen_address;
      options_.advertised_address = listen.substr(0, listen.rfind(':') + 1) + std::to_string(port_);
    }
    outbound_.sender_address = options_.advertised_address;
    spdlog::info("raft transport: listening on {} (port {}, {}), cluster {}",
                 options_.listen_address, port_, credentials_.tls ? "TLS" : "plaintext",
                 options_.cluster_id);
    return Status::OK();
  }

  void Send(const GroupId& group, const std::string& address, Message message) {
    OutboundStream* stream = nullptr;
    {
      std::shared_lock lock(streams_mu_);
      if (shut_down_) {
        TransportCounters::Add(counters_.dropped_shutdown, 1);
        return;
      }
      auto it = streams_.find(address);
      if (it != streams_.end()) stream = it->second.get();
    }
    if (stream == nullptr) {
      std::unique_lock lock(streams_mu_);
      if (shut_down_) {
        TransportCounters::Add(counters_.dropped_shutdown, 1);
        return;
      }
      std::unique_ptr<OutboundStream>& slot = streams_[address];
      if (slot == nullptr) {
        slot = std::make_unique<OutboundStream>(address, &outbound_, cq_.get(), &registry_,
                                                &counters_);
      }
      stream = slot.get();
    }
    // Streams live until the transport is destroyed, so the pointer stays valid; a stopped
    // stream drops.
    stream->Enqueue(group, std::move(message));
  }

  void Shutdown() {
    std::lock_guard serial(shutdown_mu_);
    {
      std::unique_lock lock(streams_mu_);
      if (shut_down_) return;
      shut_down_ = true;
    }
    // streams_ no longer changes: no lock needed to read it from here on.
    for (auto& [address, stream] : streams_) stream->Stop();
    if (server_ != nullptr) {
      service_->BeginShutdown();
      // A deadline of now cancels the inbound streams at once; returns when they are released
      // (handlers running on completion-queue threads return first).
      server_->Shutdown(std::chrono::system_clock::now());
      service_->Join();
    }
    for (auto& [address, stream] : streams_) stream->Join();
    // Nothing is pending on the queue any more: no operation starts after this.
    StopCompletionQueue();
    registry_.Close();
    spdlog::debug("raft transport on port {} shut down", port_);
  }

  // Runs completion-queue events until the queue is shut down and drained.
  void PollCompletionQueue() {
    NameThisThread("raft-cq");
    void* tag = nullptr;
    bool ok = false;
    while (cq_->Next(&tag, &ok)) CqEvent::FromTag(tag)->Complete(ok);
  }

  void StopCompletionQueue() {
    if (cq_ == nullptr || cq_stopped_) return;
    cq_stopped_ = true;
    cq_->Shutdown();
    for (std::thread& t : cq_threads_) t.join();
    cq_threads_.clear();
  }

  GrpcTransportOptions options_;  // advertised_address is completed by StartServer
  const TransportCredentials credentials_;
  TransportCounters counters_;
  GroupRegistry registry_;
  OutboundConfig outbound_;
  std::unique_ptr<InboundService> service_;
  std::unique_ptr<grpc::ServerCompletionQueue> cq_;
  std::vector<std::thread> cq_threads_;  // poll cq_ until it is shut down
  bool cq_stopped_ = false;              // by StartServer or Shutdown (serialized)
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  std::mutex shutdown_mu_;  // serializes Shutdown
  std::shared_mutex streams_mu_;
  // Destination address -> its stream. Entries are never removed before destruction.
  std::unordered_map<std::string, std::unique_ptr<OutboundStream>> streams_;  // GUARDED_BY
  bool shut_down_ = false;  // GUARDED_BY(streams_mu_)
};

Result<std::unique_ptr<GrpcTransport>> GrpcTransport::Start(GrpcTransportOptions options) {
  OZ_RETURN_IF_ERROR(Validate(options));
  OZ_ASSIGN_OR_RETURN(TransportCredentials credentials, MakeTransportCredentials(options));
  auto impl = std::make_unique<Impl>(std::move(options), std::move(credentials));
  OZ_RETURN_IF_ERROR(impl->StartServer());
  return std::unique_ptr<GrpcTransport>(new GrpcTransport(std::move(impl)));
}

GrpcTransport::GrpcTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GrpcTransport::~GrpcTransport() { impl_->Shutdown(); }

int GrpcTransport::port() const { return impl_->port_; }

const GrpcTransportOptions& GrpcTransport::options() const { return impl_->options_; }

Status GrpcTransport::RegisterGroup(const GroupId& group, GroupHandler handler) {
  return impl_->registry_.Register(group, std::move(handler));
}

void GrpcTransport::UnregisterGroup(const GroupId& group) { impl_->registry_.Unregister(group); }

void GrpcTransport::Send(const GroupId& group, const std::string& address, Message message) {
  impl_->Send(group, address, std::move(message));
}

void GrpcTransport::Shutdown() { impl_->Shutdown(); }

TransportStats GrpcTransport::stats() const { return impl_->counters_.Snapshot(); }

}  // namespace ozone::raft
