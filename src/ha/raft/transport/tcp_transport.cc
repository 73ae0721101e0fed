#include "ha/raft/transport/tcp_transport.h"

#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ha/raft/transport/event_loop.h"
#include "ha/raft/transport/frame_dispatcher.h"
#include "ha/raft/transport/group_registry.h"
#include "ha/raft/transport/tcp_inbound.h"
#include "ha/raft/transport/tcp_outbound.h"
#include "ha/raft/transport/tcp_socket.h"
#include "ha/raft/transport/transport_counters.h"

namespace ozone::raft {

namespace {

Status Validate(const TcpTransportOptions& o) {
  if (o.tls_ca_pem || o.tls_cert_pem || o.tls_key_pem) {
    return Status::InvalidArgument(
        "raft transport: the TCP transport does not support TLS yet; use the gRPC transport "
        "(ozone.ha.raft.transport=grpc) when TLS is configured");
  }
  if (o.listen_address.empty()) {
    return Status::InvalidArgument("raft transport: listen_address is required");
  }
  if (o.cluster_id.empty()) {
    return Status::InvalidArgument("raft transport: cluster_id is required");
  }
  if (o.max_queue_bytes == 0 || o.max_batch_bytes == 0 || o.max_receive_frame_bytes == 0 ||
      o.max_receive_frame_bytes > (size_t{1} << 31)) {
    return Status::InvalidArgument(
        "raft transport: queue, batch and frame bounds must be > 0 (frames at most 2 GiB)");
  }
  if (o.initial_backoff.count() <= 0 || o.max_backoff < o.initial_backoff ||
      o.connect_timeout.count() <= 0 || o.keepalive_time.count() <= 0 ||
      o.keepalive_timeout.count() <= 0 || o.event_loop_threads < 1) {
    return Status::InvalidArgument(
        "raft transport: backoffs, connect timeout, keepalive and event-loop threads must be > 0, "
        "and max_backoff >= initial_backoff");
  }
  return Status::OK();
}

constexpr std::chrono::milliseconds kAcceptRetry{100};

// Owns an accepted descriptor until a loop takes it (closes it if the loop never does).
struct PendingFd {
  explicit PendingFd(int f) : fd(f) {}
  ~PendingFd() {
    if (fd >= 0) close(fd);
  }
  int Release() { return std::exchange(fd, -1); }
  int fd;
};

}  // namespace

class TcpTransport::Impl : public EventLoop::Handler {
 public:
  explicit Impl(TcpTransportOptions options)
      : options_(std::move(options)), dispatcher_(&registry_, &counters_) {
    outbound_.cluster_id = options_.cluster_id;
    outbound_.max_queue_bytes = options_.max_queue_bytes;
    outbound_.max_batch_bytes = options_.max_batch_bytes;
    outbound_.initial_backoff = options_.initial_backoff;
    outbound_.max_backoff = options_.max_backoff;
    outbound_.connect_timeout = options_.connect_timeout;
    outbound_.keepalive = KeepaliveOptions{options_.keepalive_time, options_.keepalive_timeout};
  }

  ~Impl() override { Shutdown(); }

  Status Listen() {
    OZ_ASSIGN_OR_RETURN(HostAndPort hp, SplitHostPort(options_.listen_address, true));
    OZ_ASSIGN_OR_RETURN(std::vector<SocketAddress> addresses, Resolve(hp.host, hp.port, true));
    std::string error;
    for (const SocketAddress& a : addresses) {
      const int fd = socket(a.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        error = std::strerror(errno);
        continue;
      }
      // Restarting on the port of connections in TIME_WAIT; never two listeners on one port.
      const int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
      if (bind(fd, a.get(), a.length) != 0 || listen(fd, SOMAXCONN) != 0) {
        error = a.ToString() + ": " + std::strerror(errno);
        close(fd);
        continue;
      }
      listen_fd_ = fd;
      break;
    }
    if (listen_fd_ < 0) {
      return Status::Unavailable("raft transport: cannot listen on " + options_.listen_address +
                                 " (" + error + ")");
    }
    const SocketAddress bound = SocketAddress::Of(listen_fd_, false);
    port_ = bound.family() == AF_INET6
                ? ntohs(reinterpret_cast<const sockaddr_in6*>(&bound.storage)->sin6_port)
                : ntohs(reinterpret_cast<const sockaddr_in*>(&bound.storage)->sin_port);
    if (options_.advertised_address.empty()) {
      const std::string& listen = options_.listen_address;
      options_.advertised_address = listen.substr(0, listen.rfind(':') + 1) + std::to_string(port_);
    }
    outbound_.sender_address = options_.advertised_address;

    for (int i = 0; i < options_.event_loop_threads; ++i) {
      OZ_ASSIGN_OR_RETURN(std::unique_ptr<EventLoop> loop,
                          EventLoop::Create("raft-tcp-" + std::to_string(i)));
      loops_.push_back(std::move(loop));
    }
    listen_token_ = loops_[0]->Add(listen_fd_, EPOLLIN, this);
    if (listen_token_ == 0) return Status::FromErrno("raft transport: epoll_ctl", errno);
    resolver_ = std::make_unique<Resolver>();
    for (auto& loop : loops_) loop->Start();
    spdlog::info("raft transport (TCP): listening on {} (port {}, plaintext), cluster {}",
                 options_.listen_address, port_, options_.cluster_id);
    return Status::OK();
  }

  // The listening socket is readable: accept everything pending, spread over the loops.
  void OnEvents(uint32_t /*events*/) override {
    for (;;) {
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
          // Out of descriptors (EMFILE, ENFILE) or memory: the pending connection stays in the
          // backlog and the socket stays readable; stop listening for a moment instead of
          // spinning on it.
          spdlog::warn("raft transport: accept on {} failed: {}; retrying in {} ms",
                       options_.listen_address, std::strerror(errno), kAcceptRetry.count());
          loops_[0]->Modify(listen_fd_, listen_token_, 0);
          loops_[0]->RunAfter(kAcceptRetry,
                              [this] { loops_[0]->Modify(listen_fd_, listen_token_, EPOLLIN); });
        }
        return;
      }
      ConfigureSocket(fd, outbound_.keepalive);
      EventLoop* loop = loops_[next_loop_++ % loops_.size()].get();
      auto pending = std::make_shared<PendingFd>(fd);
      std::string peer = SocketAddress::Of(fd, true).ToString();
      auto adopt = [this, loop, pending, peer] {
        const int fd = pending->Release();
        auto inbound = std::make_unique<TcpInbound>(fd, peer, &options_.cluster_id,
                                                    options_.max_receive_frame_bytes, loop,
                                                    &dispatcher_, &counters_);
        TcpInbound* raw = inbound.get();
        const uint64_t token = loop->AddOwned(fd, EPOLLIN | EPOLLRDHUP, std::move(inbound));
        if (token == 0) return;
        raw->set_token(token);
        loop->RunAfter(options_.connect_timeout, [loop, token] {
          // Still registered under its token: the connection lives (Find is null once closed).
          if (auto* h = static_cast<TcpInbound*>(loop->Find(token))) h->CloseIfNoHandshake();
        });
      };
      if (loop->InLoopThread()) {
        adopt();
      } else {
        loop->Post(std::move(adopt));
      }
    }
  }

  void Send(const GroupId& group, const std::string& address, Message message) {
    TcpOutbound* outbound = nullptr;
    {
      std::shared_lock lock(outbounds_mu_);
      if (shut_down_) {
        TransportCounters::Add(counters_.dropped_shutdown, 1);
        return;
      }
      auto it = outbounds_.find(address);
      if (it != outbounds_.end()) outbound = it->second.get();
    }
    if (outbound == nullptr) {
      std::unique_lock lock(outbounds_mu_);
      if (shut_down_) {
        TransportCounters::Add(counters_.dropped_shutdown, 1);
        return;
      }
      std::unique_ptr<TcpOutbound>& slot = outbounds_[address];
      if (slot == nullptr) {
        EventLoop* loop = loops_[next_loop_++ % loops_.size()].get();
        slot = std::make_unique<TcpOutbound>(address, &outbound_, loop, resolver_.get(), &registry_,
                                             &counters_);
      }
      outbound = slot.get();
    }
    // Outbounds live until the transport is destroyed; a stopped one drops.
    outbound->Enqueue(group, std::move(message));
  }

  void Shutdown() {
    std::lock_guard serial(shutdown_mu_);
    {
      std::unique_lock lock(outbounds_mu_);
      if (shut_down_) return;
      shut_down_ = true;
    }
    // outbounds_ no longer changes.
    for (auto& [address, outbound] : outbounds_) outbound->Stop();
    if (resolver_ != nullptr) resolver_->Stop();
    for (auto& loop : loops_) loop->Stop();  // waits for running handlers
    for (auto& [address, outbound] : outbounds_) outbound->CloseAfterStop();
    loops_.clear();  // closes the accepted connections
    if (listen_fd_ >= 0) close(listen_fd_);
    listen_fd_ = -1;
    registry_.Close();
    spdlog::debug("raft transport (TCP) on port {} shut down", port_);
  }

  TcpTransportOptions options_;  // advertised_address is completed by Listen
  TransportCounters counters_;
  GroupRegistry registry_;
  FrameDispatcher dispatcher_;
  TcpOutboundConfig outbound_;
  std::vector<std::unique_ptr<EventLoop>> loops_;
  std::unique_ptr<Resolver> resolver_;
  std::atomic<size_t> next_loop_{0};
  int listen_fd_ = -1;
  uint64_t listen_token_ = 0;
  int port_ = 0;

  std::mutex shutdown_mu_;  // serializes Shutdown
  std::shared_mutex outbounds_mu_;
  // Destination address -> its outbound. Entries are never removed before destruction.
  std::unordered_map<std::string, std::unique_ptr<TcpOutbound>> outbounds_;  // GUARDED_BY
  bool shut_down_ = false;  // GUARDED_BY(outbounds_mu_)
};

Result<std::unique_ptr<TcpTransport>> TcpTransport::Start(TcpTransportOptions options) {
  OZ_RETURN_IF_ERROR(Validate(options));
  auto impl = std::make_unique<Impl>(std::move(options));
  OZ_RETURN_IF_ERROR(impl->Listen());
  return std::unique_ptr<TcpTransport>(new TcpTransport(std::move(impl)));
}

TcpTransport::TcpTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TcpTransport::~TcpTransport() { impl_->Shutdown(); }

int TcpTransport::port() const { return impl_->port_; }

const TcpTransportOptions& TcpTransport::options() const { return impl_->options_; }

Status TcpTransport::RegisterGroup(const GroupId& group, GroupHandler handler) {
  return impl_->registry_.Register(group, std::move(handler));
}

void TcpTransport::UnregisterGroup(const GroupId& group) { impl_->registry_.Unregister(group); }

void TcpTransport::Send(const GroupId& group, const std::string& address, Message message) {
  impl_->Send(group, address, std::move(message));
}

void TcpTransport::FlushHeldSends() {
  if (SendScope* scope = SendScope::Current()) scope->Flush();
}

void TcpTransport::Shutdown() { impl_->Shutdown(); }

TransportStats TcpTransport::stats() const { return impl_->counters_.Snapshot(); }

}  // namespace ozone::raft
