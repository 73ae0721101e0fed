#include "rpc/failover_client.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/impl/rpc_method.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "rpc/call_stream.h"
#include "rpc/framed_client.h"
#include "rpc/grpc_status.h"
#include "rpc/leader_hint.h"

namespace ozone::rpc {

namespace {

using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

// A method registered on one channel (gRPC resolves the path once per channel).
struct RegisteredMethod {
  std::string path;  // "/package.Service/Method"; outlives `method`, which points into it
  std::unique_ptr<grpc::internal::RpcMethod> method;
};

// One connection to an endpoint and the methods registered on it.
class Connection {
 public:
  explicit Connection(const std::string& address) : address_(address) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    args.SetMaxSendMessageSize(64 << 20);
    // A restarted replica must be found again soon, not after gRPC's default back-off (up to
    // two minutes).
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    // Distinct connections for the channels of one endpoint.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channel_ = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  }

  grpc::Channel* channel() const { return channel_.get(); }

  const grpc::internal::RpcMethod& Method(const MethodDescriptor* d) {
    return *FindOrAdd(&methods_, d, [&] {
      // Made in place: the RpcMethod points into the path.
      auto m = std::make_unique<RegisteredMethod>();
      m->path = PathOf(d);
      m->method = std::make_unique<grpc::internal::RpcMethod>(
          m->path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC, channel_);
      return m;
    })->method;
  }

  // The connection's framed calls, created on first use.
  FramedCallClient& Framed(const std::string& server) {
    std::call_once(framed_once_,
                   [&] { framed_ = std::make_unique<FramedCallClient>(address_, server); });
    return *framed_;
  }

  // The connection's stream of `stream_method`, created on first use.
  CallStream& Stream(const MethodDescriptor* stream_method, const std::string& server) {
    return *FindOrAdd(&streams_, stream_method, [&] {
      return std::make_unique<CallStream>(channel_, PathOf(stream_method), server);
    });
  }

 private:
  static std::string PathOf(const MethodDescriptor* d) {
    return "/" + d->service()->full_name() + "/" + d->name();
  }

  // The entry of `map` (guarded by mu_) for `key`, made by `make` on first use.
  template <typename Map, typename Make>
  typename Map::mapped_type& FindOrAdd(Map* map, const MethodDescriptor* key, Make make) {
    {
      std::shared_lock<std::shared_mutex> l(mu_);
      auto it = map->find(key);
      if (it != map->end()) return it->second;
    }
    std::unique_lock<std::shared_mutex> l(mu_);
    auto it = map->find(key);
    if (it == map->end()) it = map->emplace(key, make()).first;
    return it->second;
  }

  const std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::once_flag framed_once_;
  std::unique_ptr<FramedCallClient> framed_;
  std::shared_mutex mu_;
  std::map<const MethodDescriptor*, std::unique_ptr<RegisteredMethod>> methods_;  // guarded by mu_
  // Destroyed before the channel: a stream cancels and waits for its reactor.
  std::map<const MethodDescriptor*, std::unique_ptr<CallStream>> streams_;  // guarded by mu_
};

struct Endpoint {
  RpcEndpoint info;
  std::vector<std::unique_ptr<Connection>> connections;
  std::atomic<size_t> next{0};

  Connection& Pick() {
    if (connections.size() == 1) return *connections[0];
    return *connections[next.fetch_add(1, std::memory_order_relaxed) % connections.size()];
  }
};

// gRPC's client channels are polled by the calls that use them; a channel no call uses is
// polled only by gRPC's backup poller, every GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS (5 s by
// default). Once every address of a channel failed, calls fail at once without polling it
// (pick_first stays in TRANSIENT_FAILURE until a reconnection succeeds), so the reconnection
// attempts made after the back-off complete only at the backup poller's pace: a replica that
// came (back) up was reached 5 to 15 s late (a bootstrapping SCM waiting for the primordial one
// took 15 s). Poll every 100 ms instead, unless the environment says otherwise. gRPC reads the
// variable when it initializes, on its first channel or server: this runs before main().
[[maybe_unused]] const bool kBackupPollInterval = [] {
  ::setenv("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS", "100", /*overwrite=*/0);
  return true;
}();

bool IsRetriable(const Status& s) {
  return s.IsNotLeader() || s.IsUnavailable() || s.IsTimeout() || s.IsAborted() || s.IsBusy();
}

}  // namespace

std::string RetryMessage(std::chrono::milliseconds wait, int attempts) {
  return "Retrying in " + std::to_string(wait.count()) + "ms after " + std::to_string(attempts) +
         " failover attempt(s).";
}

struct FailoverClient::Impl {
  FailoverOptions options;
  std::vector<RpcEndpoint> infos;
  std::vector<std::unique_ptr<Endpoint>> endpoints;
  std::atomic<size_t> current{0};

  std::optional<size_t> IndexOf(const std::string& address) const {
    for (size_t i = 0; i < infos.size(); ++i) {
      if (infos[i].address == address) return i;
    }
    return std::nullopt;
  }
};

FailoverClient::FailoverClient(std::vector<RpcEndpoint> endpoints, FailoverOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (impl_->options.channels_per_endpoint < 1) impl_->options.channels_per_endpoint = 1;
  impl_->infos = std::move(endpoints);
  for (const RpcEndpoint& e : impl_->infos) {
    auto ep = std::make_unique<Endpoint>();
    ep->info = e;
    for (int i = 0; i < impl_->options.channels_per_endpoint; ++i) {
      ep->connections.push_back(std::make_unique<Connection>(e.address));
    }
    impl_->endpoints.push_back(std::move(ep));
  }
}

FailoverClient::~FailoverClient() = default;

const std::vector<RpcEndpoint>& FailoverClient::endpoints() const { return impl_->infos; }

size_t FailoverClient::current() const { return impl_->current.load(); }

CallOutcome FailoverClient::CallEndpoint(size_t index, const MethodDescriptor* method,
                                         const Message& request, Message* response) {
  CallOutcome out;
  if (index >= impl_->endpoints.size()) {
    out.status = Status::InvalidArgument("no endpoint " + std::to_string(index));
    return out;
  }
  if (request.GetDescriptor() != method->input_type() ||
      response->GetDescriptor() != method->output_type()) {
    out.status = Status::InvalidArgument("message types do not match " + method->full_name());
    return out;
  }
  Endpoint& ep = *impl_->endpoints[index];
  Connection& c = ep.Pick();
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + impl_->options.rpc_timeout);
  grpc::Status g = grpc::internal::BlockingUnaryCall<Message, Message, Message, Message>(
      c.channel(), c.Method(method), &ctx, request, response);
  out.status = FromGrpc(g);
  if (g.error_code() == grpc::StatusCode::UNAVAILABLE) {
    out.status = Status::Unavailable(ep.info.node_id + " (" + ep.info.address +
                                     ") is unreachable: " + g.error_message());
  }
  if (out.status.IsNotLeader()) {
    const auto& trailers = ctx.GetServerTrailingMetadata();
    auto it = trailers.find(kLeaderAddressKey);
    if (it != trailers.end())
      out.leader_address = std::string(it->second.data(), it->second.size());
  }
  return out;
}

CallOutcome FailoverClient::CallEndpointStreamed(size_t index,
                                                 const MethodDescriptor* stream_method,
                                                 const Message& request, Message* response) {
  CallOutcome out;
  if (index >= impl_->endpoints.size()) {
    out.status = Status::InvalidArgument("no endpoint " + std::to_string(index));
    return out;
  }
  if (!stream_method->client_streaming() || !stream_method->server_streaming()) {
    out.status = Status::InvalidArgument(stream_method->full_name() +
                                         " is not a bidirectional stream method");
    return out;
  }
  Endpoint& ep = *impl_->endpoints[index];
  Connection& c = ep.Pick();
  const std::string server = ep.info.node_id + " (" + ep.info.address + ")";
  if (impl_->options.framed) {
    FramedCallClient& framed = c.Framed(server);
    if (!framed.unsupported()) {
      CallOutcome out = framed.Call(request, response, impl_->options.rpc_timeout);
      // Only the connection's own refusal sends the call over gRPC: a NotSupported answer of
      // the server is the call's result.
      if (out.status.code() != Status::Code::kNotSupported || !framed.unsupported()) return out;
    }
  }
  return c.Stream(stream_method, server).Call(request, response, impl_->options.rpc_timeout);
}

Status FailoverClient::Call(const MethodDescriptor* method, const Message& request,
                            Message* response) {
  return WithFailover(method->name(), [&](size_t index) {
    return CallEndpoint(index, method, request, response);
  });
}

Status FailoverClient::CallStreamed(const MethodDescriptor* stream_method, const Message& request,
                                    Message* response) {
  return WithFailover(stream_method->name(), [&](size_t index) {
    return CallEndpointStreamed(index, stream_method, request, response);
  });
}

Status FailoverClient::WithFailover(const std::string& what,
                                    const std::function<CallOutcome(size_t index)>& attempt) {
  const size_t n = impl_->endpoints.size();
  const FailoverOptions& o = impl_->options;
  size_t index = impl_->current.load(std::memory_order_relaxed);
  // Endpoints tried since the last wait without finding the leader.
  std::vector<bool> tried(n, false);
  int attempts = 0;
  while (true) {
    CallOutcome r = attempt(index);
    if (r.status.ok()) {
      impl_->current.store(index, std::memory_order_relaxed);
      return r.status;
    }
    if (!IsRetriable(r.status)) return r.status;
    spdlog::debug("{} on {} ({}): {}", what, impl_->infos[index].node_id,
                  impl_->infos[index].address, r.status.ToString());
    if (attempts >= o.max_failovers) {
      return r.status.WithContext("giving up after " + std::to_string(attempts) +
                                  " failover attempt(s)");
    }
    ++attempts;
    tried[index] = true;
    std::optional<size_t> hinted;
    if (r.leader_address) hinted = impl_->IndexOf(*r.leader_address);
    if (hinted && *hinted != index) {
      spdlog::debug("{}: performing failover to suggested leader {} ({})", what,
                    impl_->infos[*hinted].node_id, *r.leader_address);
      index = *hinted;
      continue;
    }
    if ((hinted && *hinted == index) || r.status.IsBusy()) {
      std::this_thread::sleep_for(o.not_ready_wait);
      continue;
    }
    index = (index + 1) % n;
    if (tried[index]) {
      if (o.on_retry) o.on_retry(RetryMessage(o.retry_interval, attempts));
      std::this_thread::sleep_for(o.retry_interval);
      std::fill(tried.begin(), tried.end(), false);
    }
  }
}

}  // namespace ozone::rpc
