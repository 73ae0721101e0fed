#include "ha/raft/transport/tcp_socket.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "common/thread_name.h"

namespace ozone::raft {

std::string SocketAddress::ToString() const {
  char host[INET6_ADDRSTRLEN] = {0};
  if (family() == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    return std::string(host) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (family() == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  return "?";
}

SocketAddress SocketAddress::Of(int fd, bool peer) {
  SocketAddress a;
  a.length = sizeof(a.storage);
  const int r = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&a.storage), &a.length)
                     : getsockname(fd, reinterpret_cast<sockaddr*>(&a.storage), &a.length);
  if (r != 0) a.length = 0;
  return a;
}

Result<HostAndPort> SplitHostPort(std::string_view address, bool allow_zero) {
  HostAndPort hp;
  std::string_view port_text;
  if (!address.empty() && address.front() == '[') {
    const size_t close = address.find(']');
    if (close == std::string_view::npos || close + 1 >= address.size() ||
        address[close + 1] != ':') {
      return Status::InvalidArgument("raft transport: bad address '" + std::string(address) +
                                     "' (expected [v6]:port)");
    }
    hp.host = std::string(address.substr(1, close - 1));
    port_text = address.substr(close + 2);
  } else {
    const size_t colon = address.rfind(':');
    if (colon == std::string_view::npos || address.find(':') != colon) {
      return Status::InvalidArgument("raft transport: bad address '" + std::string(address) +
                                     "' (expected host:port)");
    }
    hp.host = std::string(address.substr(0, colon));
    port_text = address.substr(colon + 1);
  }
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (hp.host.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port < (allow_zero ? 0 : 1) || port > 65535) {
    return Status::InvalidArgument("raft transport: bad address '" + std::string(address) +
                                   "' (expected host:port)");
  }
  hp.port = port;
  return hp;
}

std::optional<SocketAddress> NumericAddress(const std::string& host, int port) {
  SocketAddress a;
  auto* in = reinterpret_cast<sockaddr_in*>(&a.storage);
  if (inet_pton(AF_INET, host.c_str(), &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(port));
    a.length = sizeof(sockaddr_in);
    return a;
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(port));
    a.length = sizeof(sockaddr_in6);
    return a;
  }
  return std::nullopt;
}

Result<std::vector<SocketAddress>> Resolve(const std::string& host, int port, bool passive) {
  if (std::optional<SocketAddress> numeric = NumericAddress(host, port)) {
    return std::vector<SocketAddress>{*numeric};
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG | (passive ? AI_PASSIVE : 0);
  addrinfo* list = nullptr;
  const std::string service = std::to_string(port);
  const int r = getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (r != 0) {
    return Status::Unavailable("cannot resolve '" + host + "': " + gai_strerror(r));
  }
  std::vector<SocketAddress> out;
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    SocketAddress a;
    std::memcpy(&a.storage, ai->ai_addr, ai->ai_addrlen);
    a.length = ai->ai_addrlen;
    out.push_back(a);
  }
  freeaddrinfo(list);
  if (out.empty()) return Status::Unavailable("'" + host + "' has no address");
  return out;
}

void ConfigureSocket(int fd, const KeepaliveOptions& keepalive) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
  const int idle = std::max<int>(1, static_cast<int>(keepalive.time.count() / 1000));
  const int interval = std::max<int>(1, static_cast<int>(keepalive.timeout.count() / 3000));
  const int count = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
  // Unacknowledged data for longer than this breaks the connection (a peer that vanished while
  // we were sending), as keepalive does for an idle one.
  const unsigned int user_timeout =
      static_cast<unsigned int>((keepalive.time + keepalive.timeout).count());
  setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof(user_timeout));
}

ssize_t ReadSome(int fd, char* buf, size_t n) {
  for (;;) {
    const ssize_t r = read(fd, buf, n);
    if (r < 0 && errno == EINTR) continue;
    return r;
  }
}

ssize_t WriteSome(int fd, OutBuffer* out) {
  constexpr int kMaxIov = 64;
  iovec iov[kMaxIov];
  ssize_t total = 0;
  while (!out->empty()) {
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<size_t>(out->FillIov(iov, kMaxIov));
    const ssize_t r = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return -1;
    }
    out->Consume(static_cast<size_t>(r));
    total += r;
    size_t offered = 0;
    for (size_t i = 0; i < msg.msg_iovlen; ++i) offered += iov[i].iov_len;
    if (static_cast<size_t>(r) < offered) break;  // the socket is full
  }
  return total;
}

// --- Resolver ------------------------------------------------------------------------------------

Resolver::Resolver() {
  thread_ = std::thread([this] { Run(); });
}

Resolver::~Resolver() { Stop(); }

void Resolver::Resolve(std::string host, int port, Callback done) {
  std::lock_guard lock(mu_);
  if (stop_) return;
  requests_.push_back(Request{std::move(host), port, std::move(done)});
  cv_.notify_one();
}

void Resolver::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    requests_.clear();
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void Resolver::Run() {
  NameThisThread("raft-resolve");
  for (;;) {
    Request request;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !requests_.empty(); });
      if (stop_) return;
      request = std::move(requests_.front());
      requests_.pop_front();
    }
    Result<std::vector<SocketAddress>> result = raft::Resolve(request.host, request.port, false);
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    request.done(std::move(result));
  }
}

}  // namespace ozone::raft
