// Socket plumbing of TcpTransport: addresses ("host:port" split, numeric parse, resolution),
// socket options, and the Resolver thread that resolves host names off the event loops.
//
// The plaintext socket I/O (ReadSome, WriteSome) is the seam where TLS will go: a TLS connection
// will read and write through the same two calls (with its handshake first).
//
// Thread-safety: the functions are thread-safe; Resolver's methods may be called from any
// thread, Stop from one.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/result.h"
#include "ha/raft/transport/tcp_frame.h"

namespace ozone::raft {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  // "1.2.3.4:5" or "[::1]:5".
  std::string ToString() const;
  static SocketAddress Of(int fd, bool peer);  // getsockname / getpeername
};

struct HostAndPort {
  std::string host;  // without brackets
  int port = 0;
};
// Splits "host:port" / "[v6]:port". Port 0 only when `allow_zero` (listening).
Result<HostAndPort> SplitHostPort(std::string_view address, bool allow_zero);

// The address when `host` is an IPv4 or IPv6 literal; nullopt for a name.
std::optional<SocketAddress> NumericAddress(const std::string& host, int port);
// getaddrinfo for TCP; blocks (DNS). `passive`: for binding.
Result<std::vector<SocketAddress>> Resolve(const std::string& host, int port, bool passive);

struct KeepaliveOptions {
  std::chrono::milliseconds time{10000};
  std::chrono::milliseconds timeout{5000};
};
// TCP_NODELAY and keepalive (best effort: failures are ignored).
void ConfigureSocket(int fd, const KeepaliveOptions& keepalive);

// Plaintext I/O on a non-blocking socket. ReadSome: bytes read, 0 at the end of the stream, -1
// with errno (EAGAIN: nothing now). WriteSome: writes from the front of `out` until it is empty
// or the socket is full, consuming what was written; returns the bytes written, or -1 with
// errno for an error other than EAGAIN. Never raises SIGPIPE.
ssize_t ReadSome(int fd, char* buf, size_t n);
ssize_t WriteSome(int fd, OutBuffer* out);

// A thread that resolves host names one at a time, so that a slow DNS holds no event loop.
class Resolver {
 public:
  using Callback = std::function<void(Result<std::vector<SocketAddress>>)>;

  Resolver();
  ~Resolver();  // Stop()
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Resolves on the resolver thread and calls `done` there. After Stop, does nothing.
  void Resolve(std::string host, int port, Callback done);
  // Drops pending requests, waits for a lookup in progress, joins the thread. Idempotent.
  void Stop();

 private:
  struct Request {
    std::string host;
    int port;
    Callback done;
  };
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request> requests_;  // GUARDED_BY(mu_)
  bool stop_ = false;             // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace ozone::raft
