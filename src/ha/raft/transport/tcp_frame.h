// The framing TcpTransport puts raft_wire.proto in (see TCP_FORMAT.md beside this file):
//
//   dialer -> acceptor:  preamble  "OZRT" u32be(kTcpFramingVersion)
//                        frame(ClientFrame{hello})  frame(ClientFrame{groups}) ...
//   acceptor -> dialer:  frame(ServerFrame{hello_ack} or ServerFrame{refusal}), then nothing
//   frame:               u32be(N) then N bytes of one serialized proto message
//
// OutBuffer holds the bytes queued for one socket as segments that are either owned bytes
// (headers, small fields) or shared entry payloads, written in place by writev: an entry payload
// is never copied on the sending side. FrameEncoder writes ClientFrame bytes straight from
// Messages (the same bytes protobuf would serialize, checked by the tests), without building the
// proto. FrameReader cuts a received byte stream into frames, whatever the reads' boundaries.
//
// Thread-safety: value types; not thread-safe.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ha/raft/message.h"
#include "ha/raft/types.h"

namespace ozone::raft {

inline constexpr char kTcpMagic[4] = {'O', 'Z', 'R', 'T'};
// The framing's version, in the preamble. raft_wire.proto's own version is in the Hello.
inline constexpr uint32_t kTcpFramingVersion = 1;
inline constexpr size_t kTcpPreambleBytes = 8;
inline constexpr size_t kTcpFrameHeaderBytes = 4;
// Payloads at least this long are written from their own buffer (writev) instead of copied.
inline constexpr size_t kTcpZeroCopyMinBytes = 512;

// The 8 bytes a dialer writes first.
std::string TcpPreamble();

// Bytes queued for a socket: owned segments and shared payloads, consumed from the front.
class OutBuffer {
 public:
  bool empty() const { return bytes_ == 0; }
  size_t size() const { return bytes_; }

  // Appends bytes (copied to the owned segment at the tail).
  void Append(std::string_view bytes);
  // Appends `payload`'s bytes by reference: the buffer keeps the payload alive until written.
  void AppendShared(Payload payload);

  // Fills up to `max` iovecs from the front; returns how many.
  int FillIov(iovec* iov, int max) const;
  // Drops the first `n` bytes (n <= size()).
  void Consume(size_t n);
  void Clear();

 private:
  struct Segment {
    std::string owned;
    Payload shared;  // when set, the segment's bytes are *shared
    std::string_view view() const {
      return shared != nullptr ? std::string_view(*shared) : std::string_view(owned);
    }
  };
  std::deque<Segment> segments_;
  size_t front_offset_ = 0;  // bytes of segments_.front() already consumed
  size_t bytes_ = 0;         // unconsumed bytes
};

// One message to encode, with its group.
struct GroupedMessage {
  const GroupId* group;
  const Message* message;
};

// Appends one frame (header and ClientFrame{groups}) carrying `messages` in order; consecutive
// messages of one group share one GroupMessages. Returns the frame's size in bytes.
size_t AppendBatchFrame(std::span<const GroupedMessage> messages, OutBuffer* out);
// Appends one frame carrying an already serialized proto message.
void AppendProtoFrame(std::string_view serialized, OutBuffer* out);

// Cuts a byte stream into frames. Read into WritableSpace(), Commit() what was read, then take
// what is complete with TakeRaw (the preamble) and NextFrame.
class FrameReader {
 public:
  explicit FrameReader(size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

  // At least `min_bytes` (or what the next frame still needs, if more) of space to read into.
  std::span<char> WritableSpace(size_t min_bytes = 16 << 10);
  void Commit(size_t n) { end_ += n; }

  // The next `n` raw bytes, consumed, if they have all arrived; else false.
  bool TakeRaw(size_t n, std::string_view* bytes);

  enum class Next : uint8_t { kFrame, kNeedMore, kTooLarge };
  // The body of the next complete frame (valid until the next call that changes the reader),
  // kNeedMore until it has all arrived, kTooLarge if its header announces more than the bound.
  Next NextFrame(std::string_view* body);

  void set_max_frame_bytes(size_t n) { max_frame_bytes_ = n; }
  size_t buffered() const { return end_ - start_; }

 private:
  size_t max_frame_bytes_;
  std::vector<char> buf_;
  size_t start_ = 0;   // first unconsumed byte
  size_t end_ = 0;     // one past the last received byte
  size_t wanted_ = 0;  // bytes the frame at start_ needs in all (header included), 0 unknown
};

}  // namespace ozone::raft
