#include "rpc/framed_wire.h"

#include <fcntl.h>
#include <google/protobuf/message_lite.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/big_endian.h"
#include "common/net/host_port.h"

namespace ozone::rpc {

namespace {

struct AddrInfo {
  addrinfo* list = nullptr;
  ~AddrInfo() {
    if (list != nullptr) freeaddrinfo(list);
  }
};

// getaddrinfo for TCP; `passive` for binding. An empty host or "0.0.0.0" binds every address.
Status Lookup(const net::HostPort& hp, bool passive, AddrInfo* out) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
  const std::string port = std::to_string(hp.port);
  const int rc =
      getaddrinfo(hp.host.empty() ? nullptr : hp.host.c_str(), port.c_str(), &hints, &out->list);
  if (rc != 0) return Status::Unavailable(hp.ToString() + ": " + gai_strerror(rc));
  return Status::OK();
}

// A non-blocking TCP socket of `a`'s family, or -1 with the reason in `error`.
int OpenSocket(const addrinfo& a, std::string* error) {
  const int fd = socket(a.ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) *error = std::strerror(errno);
  return fd;
}

Result<net::HostPort> ParseAddress(const std::string& address) {
  // Port 0 (pick one) is allowed here: ParseHostPort refuses it.
  const size_t colon = address.rfind(':');
  if (colon != std::string::npos && address.substr(colon + 1) == "0") {
    OZ_ASSIGN_OR_RETURN(net::HostPort hp, net::ParseHostPort(address.substr(0, colon), 1));
    hp.port = 0;
    return hp;
  }
  return net::ParseHostPort(address, 0);
}

}  // namespace

std::string FramedPreamble() {
  std::string p(kFramedMagic, sizeof(kFramedMagic));
  p.resize(kFramedPreambleBytes);
  PutBigEndian32(p.data() + 4, kFramedVersion);
  return p;
}

void AppendFrame(const google::protobuf::MessageLite& message, std::string* out) {
  const size_t size = message.ByteSizeLong();
  const size_t at = out->size();
  out->resize(at + 4 + size);
  PutBigEndian32(out->data() + at, static_cast<uint32_t>(size));
  message.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(out->data() + at + 4));
}

ssize_t FrameBuffer::ReadFrom(int fd) {
  if (start_ == end_) start_ = end_ = 0;
  if (buf_.size() - end_ < (16 << 10)) {
    // Move what is left to the front, then grow if that is not enough.
    if (start_ > 0) {
      std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
      end_ -= start_;
      start_ = 0;
    }
    if (buf_.size() - end_ < (16 << 10)) buf_.resize(std::max(buf_.size() * 2, end_ + (64 << 10)));
  }
  for (;;) {
    const ssize_t r = read(fd, buf_.data() + end_, buf_.size() - end_);
    if (r < 0 && errno == EINTR) continue;
    if (r > 0) end_ += static_cast<size_t>(r);
    return r;
  }
}

bool FrameBuffer::TakeRaw(size_t n, std::string_view* bytes) {
  if (end_ - start_ < n) return false;
  *bytes = std::string_view(buf_.data() + start_, n);
  start_ += n;
  return true;
}

FrameBuffer::Next FrameBuffer::NextFrame(std::string_view* body) {
  if (end_ - start_ < 4) return Next::kNeedMore;
  const size_t size = GetBigEndian32(buf_.data() + start_);
  if (size > kMaxFramedFrameBytes) return Next::kTooLarge;
  if (end_ - start_ < 4 + size) {
    if (buf_.size() - start_ < 4 + size) {  // make room for the whole frame
      std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
      end_ -= start_;
      start_ = 0;
      if (buf_.size() < 4 + size + (16 << 10)) buf_.resize(4 + size + (16 << 10));
    }
    return Next::kNeedMore;
  }
  *body = std::string_view(buf_.data() + start_ + 4, size);
  start_ += 4 + size;
  return Next::kFrame;
}

Result<Listener> ListenTcp(const std::string& address) {
  OZ_ASSIGN_OR_RETURN(net::HostPort hp, ParseAddress(address));
  if (hp.host == "0.0.0.0" || hp.host == "*") hp.host.clear();
  AddrInfo ai;
  OZ_RETURN_IF_ERROR(Lookup(hp, /*passive=*/true, &ai));
  int families = 0;
  for (addrinfo* a = ai.list; a != nullptr; a = a->ai_next) ++families;
  Listener l;
  l.port = hp.port;
  std::string error = "no address";
  for (addrinfo* a = ai.list; a != nullptr; a = a->ai_next) {
    const int fd = OpenSocket(*a, &error);
    if (fd < 0) continue;
    // Restarting on the port of connections in TIME_WAIT; never two listeners on one port.
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    // With an IPv4 address beside it, an IPv6 socket takes IPv6 only (else it would hold the
    // IPv4 port too).
    if (a->ai_family == AF_INET6 && families > 1) {
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    }
    if (a->ai_family == AF_INET6) {
      reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_port = htons(static_cast<uint16_t>(l.port));
    } else if (a->ai_family == AF_INET) {
      reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_port = htons(static_cast<uint16_t>(l.port));
    }
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
      error = std::strerror(errno);
      close(fd);
      continue;
    }
    if (l.port == 0) {  // the port picked for the first one: the others take it too
      sockaddr_storage bound{};
      socklen_t len = sizeof(bound);
      getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
      l.port = bound.ss_family == AF_INET6
                   ? ntohs(reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port)
                   : ntohs(reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
    }
    l.fds.push_back(fd);
  }
  if (l.fds.empty()) return Status::Unavailable("cannot listen on " + address + ": " + error);
  return l;
}

Result<int> ConnectTcp(const std::string& address, std::chrono::milliseconds timeout) {
  OZ_ASSIGN_OR_RETURN(net::HostPort hp, net::ParseHostPort(address, 0));
  AddrInfo ai;
  OZ_RETURN_IF_ERROR(Lookup(hp, /*passive=*/false, &ai));
  std::string error = "no address";
  for (addrinfo* a = ai.list; a != nullptr; a = a->ai_next) {
    const int fd = OpenSocket(*a, &error);
    if (fd < 0) continue;
    int rc = connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = poll(&p, 1, static_cast<int>(timeout.count()));
      int err = ETIMEDOUT;
      if (rc > 0) {
        socklen_t len = sizeof(err);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      }
      rc = err == 0 ? 0 : -1;
      errno = err;
    }
    if (rc != 0) {
      error = std::strerror(errno);
      close(fd);
      continue;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
  }
  return Status::Unavailable("cannot connect to " + address + ": " + error);
}

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t w = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("send", errno);
    }
    bytes.remove_prefix(static_cast<size_t>(w));
  }
  return Status::OK();
}

bool WaitReadable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    const int rc = poll(&p, 1, static_cast<int>(timeout.count()));
    if (rc < 0 && errno == EINTR) continue;
    return rc > 0;
  }
}

}  // namespace ozone::rpc
