// Framed calls: the calls of a stream method shaped as rpc.proto describes (StreamedCalls in,
// StreamedReplies out) over a plain TCP connection instead of a gRPC stream, on the same port as
// the gRPC server (grpc_server.h tells the two apart by a connection's first bytes). Without
// HTTP/2 and gRPC's threads in between, a call costs one write and one read on each side and no
// hand-off between threads (see framed_server.h, framed_client.h):
//
//   client -> server:  preamble "OZFC" u32be(kFramedVersion), then frames of StreamedCalls
//   server -> client:  preamble "OZFC" u32be(kFramedVersion), then frames of StreamedReplies
//   frame:             u32be(N), then N bytes: one serialized message
//
// A reply that fails as NotLeader carries the leader's address and id (StreamedReply fields 5
// and 6) where a gRPC reply has them in its trailing metadata. A server that does not speak the
// framing (an older one, or a gRPC-only port) closes the connection or answers something else
// than the preamble: the client then uses the gRPC stream.
//
// Also here: the few socket calls both sides need.
//
// Thread-safety: FrameBuffer is a value type; the functions are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace google::protobuf {
class MessageLite;
}  // namespace google::protobuf

namespace ozone::rpc {

inline constexpr char kFramedMagic[4] = {'O', 'Z', 'F', 'C'};
inline constexpr uint32_t kFramedVersion = 1;
inline constexpr size_t kFramedPreambleBytes = 8;
// Larger frames are refused (the connection is closed), as gRPC refuses larger messages.
inline constexpr size_t kMaxFramedFrameBytes = size_t{64} << 20;

// The 8 bytes each side writes first.
std::string FramedPreamble();

// Appends u32be(size) and `message`'s serialization to `out`.
void AppendFrame(const google::protobuf::MessageLite& message, std::string* out);

// Received bytes, cut into frames whatever the reads' boundaries.
class FrameBuffer {
 public:
  // One read(2) into the buffer: > 0 bytes read, 0 at the end of the stream, -1 with errno
  // (EAGAIN on a non-blocking socket with nothing to read).
  ssize_t ReadFrom(int fd);
  // The next `n` bytes, consumed, once they have all arrived.
  bool TakeRaw(size_t n, std::string_view* bytes);

  enum class Next : uint8_t { kFrame, kNeedMore, kTooLarge };
  // The next complete frame's body (valid until the next ReadFrom), kNeedMore until it arrived,
  // kTooLarge when its header announces more than kMaxFramedFrameBytes.
  Next NextFrame(std::string_view* body);

 private:
  std::vector<char> buf_;
  size_t start_ = 0;  // first unconsumed byte
  size_t end_ = 0;    // one past the last received byte
};

// Listening TCP sockets on `address` ("host:port"; port 0 picks one; SO_REUSEADDR), one per
// address the host resolves to (as gRPC's own listener: "localhost" may be 127.0.0.1 and ::1),
// all on one port, non-blocking. Unavailable naming the address if none can be bound.
struct Listener {
  std::vector<int> fds;
  int port = 0;
};
Result<Listener> ListenTcp(const std::string& address);

// A connected, blocking TCP socket to `address` ("host:port", the host resolved now), with
// TCP_NODELAY; Unavailable naming the address if no connection is made within `timeout`.
Result<int> ConnectTcp(const std::string& address, std::chrono::milliseconds timeout);

// Writes all of `bytes` to a blocking socket (no SIGPIPE). OK or the error.
Status WriteAll(int fd, std::string_view bytes);

// Waits up to `timeout` for `fd` to be readable; false on timeout.
bool WaitReadable(int fd, std::chrono::milliseconds timeout);

}  // namespace ozone::rpc
