#include "ha/raft/transport/tcp_frame.h"

#include <algorithm>
#include <cstring>

#include "common/big_endian.h"

namespace ozone::raft {

namespace {

// --- protobuf wire format (https://protobuf.dev/programming-guides/encoding/) -----------------

constexpr uint32_t kVarint = 0;
constexpr uint32_t kLen = 2;

constexpr uint32_t Tag(uint32_t field, uint32_t wire_type) { return (field << 3) | wire_type; }

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// A small stack buffer for tags, lengths and scalars, flushed into the OutBuffer.
class Writer {
 public:
  explicit Writer(OutBuffer* out) : out_(out) {}
  ~Writer() { Flush(); }

  void Varint(uint64_t v) {
    if (len_ + 10 > sizeof(buf_)) Flush();
    while (v >= 0x80) {
      buf_[len_++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    buf_[len_++] = static_cast<char>(v);
  }
  // proto3: a field with its default value is not written.
  void VarintField(uint32_t field, uint64_t v) {
    if (v == 0) return;
    Varint(Tag(field, kVarint));
    Varint(v);
  }
  void Bytes(std::string_view b) {
    if (b.size() > sizeof(buf_) - len_) {
      Flush();
      out_->Append(b);
      return;
    }
    std::memcpy(buf_ + len_, b.data(), b.size());
    len_ += b.size();
  }
  void StringField(uint32_t field, std::string_view s) {
    if (s.empty()) return;
    Varint(Tag(field, kLen));
    Varint(s.size());
    Bytes(s);
  }
  void Shared(const Payload& p) {
    Flush();
    out_->AppendShared(p);
  }
  void Flush() {
    if (len_ > 0) out_->Append(std::string_view(buf_, len_));
    len_ = 0;
  }

 private:
  OutBuffer* out_;
  char buf_[512];
  size_t len_ = 0;
};

size_t VarintFieldSize(uint32_t field, uint64_t v) {
  return v == 0 ? 0 : VarintSize(Tag(field, kVarint)) + VarintSize(v);
}
size_t StringFieldSize(uint32_t field, size_t n) {
  return n == 0 ? 0 : VarintSize(Tag(field, kLen)) + VarintSize(n) + n;
}
size_t NestedSize(uint32_t field, size_t n) {  // written even when empty (a set sub-message)
  return VarintSize(Tag(field, kLen)) + VarintSize(n) + n;
}

// EntryProto
size_t EntrySize(const Entry& e) {
  return VarintFieldSize(1, e.term.value()) + VarintFieldSize(2, e.index.value()) +
         VarintFieldSize(3, static_cast<uint64_t>(e.type)) + StringFieldSize(4, e.bytes().size());
}
void WriteEntry(const Entry& e, Writer* w) {
  w->VarintField(1, e.term.value());
  w->VarintField(2, e.index.value());
  w->VarintField(3, static_cast<uint64_t>(e.type));
  const std::string& data = e.bytes();
  if (data.empty()) return;
  w->Varint(Tag(4, kLen));
  w->Varint(data.size());
  if (data.size() >= kTcpZeroCopyMinBytes) {
    w->Shared(e.data);
  } else {
    w->Bytes(data);
  }
}

// PeerProto
size_t PeerSize(const PeerInfo& p) {
  return StringFieldSize(1, p.id.size()) + StringFieldSize(2, p.address.size()) +
         VarintFieldSize(3, static_cast<uint64_t>(p.role));
}

// SnapshotMetaProto
bool IsDefault(const SnapshotMeta& meta) {
  return meta.index == LogIndex() && meta.term == Term() && meta.config.peers.empty();
}
size_t SnapshotSize(const SnapshotMeta& s) {
  size_t n = VarintFieldSize(1, s.index.value()) + VarintFieldSize(2, s.term.value());
  for (const PeerInfo& p : s.config.peers) n += NestedSize(3, PeerSize(p));
  return n;
}
void WriteSnapshot(const SnapshotMeta& s, Writer* w) {
  w->VarintField(1, s.index.value());
  w->VarintField(2, s.term.value());
  for (const PeerInfo& p : s.config.peers) {
    w->Varint(Tag(3, kLen));
    w->Varint(PeerSize(p));
    w->StringField(1, p.id);
    w->StringField(2, p.address);
    w->VarintField(3, static_cast<uint64_t>(p.role));
  }
}

// MessageProto, fields in number order as protobuf serializes them.
size_t MessageSize(const Message& m) {
  size_t n = VarintFieldSize(1, static_cast<uint64_t>(m.type)) + StringFieldSize(2, m.from.size()) +
             StringFieldSize(3, m.to.size()) + VarintFieldSize(4, m.term.value()) +
             VarintFieldSize(5, m.last_log_index.value()) +
             VarintFieldSize(6, m.last_log_term.value()) + VarintFieldSize(7, m.transfer ? 1 : 0) +
             VarintFieldSize(8, m.prev_log_index.value()) +
             VarintFieldSize(9, m.prev_log_term.value());
  for (const Entry& e : m.entries) n += NestedSize(10, EntrySize(e));
  n += VarintFieldSize(11, m.commit.value()) + VarintFieldSize(12, m.reject ? 1 : 0) +
       VarintFieldSize(13, m.index.value()) + VarintFieldSize(14, m.hint_index.value()) +
       VarintFieldSize(15, m.hint_term.value()) + VarintFieldSize(16, m.context);
  if (!IsDefault(m.snapshot)) n += NestedSize(17, SnapshotSize(m.snapshot));
  return n;
}
void WriteMessage(const Message& m, size_t size, Writer* w) {
  w->Varint(Tag(2, kLen));  // GroupMessages.messages
  w->Varint(size);
  w->VarintField(1, static_cast<uint64_t>(m.type));
  w->StringField(2, m.from);
  w->StringField(3, m.to);
  w->VarintField(4, m.term.value());
  w->VarintField(5, m.last_log_index.value());
  w->VarintField(6, m.last_log_term.value());
  w->VarintField(7, m.transfer ? 1 : 0);
  w->VarintField(8, m.prev_log_index.value());
  w->VarintField(9, m.prev_log_term.value());
  for (const Entry& e : m.entries) {
    w->Varint(Tag(10, kLen));
    w->Varint(EntrySize(e));
    WriteEntry(e, w);
  }
  w->VarintField(11, m.commit.value());
  w->VarintField(12, m.reject ? 1 : 0);
  w->VarintField(13, m.index.value());
  w->VarintField(14, m.hint_index.value());
  w->VarintField(15, m.hint_term.value());
  w->VarintField(16, m.context);
  if (!IsDefault(m.snapshot)) {
    w->Varint(Tag(17, kLen));
    w->Varint(SnapshotSize(m.snapshot));
    WriteSnapshot(m.snapshot, w);
  }
}

}  // namespace

std::string TcpPreamble() {
  std::string p(kTcpMagic, sizeof(kTcpMagic));
  char version[4];
  PutBigEndian32(version, kTcpFramingVersion);
  p.append(version, sizeof(version));
  return p;
}

// --- OutBuffer ---------------------------------------------------------------------------------

void OutBuffer::Append(std::string_view bytes) {
  if (bytes.empty()) return;
  if (segments_.empty() || segments_.back().shared != nullptr) segments_.emplace_back();
  segments_.back().owned.append(bytes);
  bytes_ += bytes.size();
}

void OutBuffer::AppendShared(Payload payload) {
  if (payload == nullptr || payload->empty()) return;
  bytes_ += payload->size();
  segments_.push_back(Segment{std::string(), std::move(payload)});
}

int OutBuffer::FillIov(iovec* iov, int max) const {
  int n = 0;
  size_t offset = front_offset_;
  for (const Segment& s : segments_) {
    if (n == max) break;
    const std::string_view v = s.view();
    iov[n].iov_base = const_cast<char*>(v.data() + offset);
    iov[n].iov_len = v.size() - offset;
    offset = 0;
    ++n;
  }
  return n;
}

void OutBuffer::Consume(size_t n) {
  bytes_ -= n;
  while (n > 0) {
    const size_t left = segments_.front().view().size() - front_offset_;
    if (n < left) {
      front_offset_ += n;
      return;
    }
    n -= left;
    segments_.pop_front();
    front_offset_ = 0;
  }
  if (bytes_ == 0) {
    // Keep the memory of a drained owned segment for the next frame.
    while (segments_.size() > 1) segments_.pop_back();
    if (!segments_.empty()) {
      if (segments_.front().shared != nullptr) {
        segments_.clear();
      } else {
        segments_.front().owned.clear();
      }
    }
    front_offset_ = 0;
  }
}

void OutBuffer::Clear() {
  segments_.clear();
  front_offset_ = 0;
  bytes_ = 0;
}

// --- encoding ------------------------------------------------------------------------------------

size_t AppendBatchFrame(std::span<const GroupedMessage> messages, OutBuffer* out) {
  // Sizes first (a length precedes every nested message): per message, then per group run.
  std::vector<size_t> sizes;
  sizes.reserve(messages.size());
  for (const GroupedMessage& gm : messages) sizes.push_back(MessageSize(*gm.message));
  size_t body = 0;
  std::vector<std::pair<size_t, size_t>> runs;  // (end index, GroupMessages size)
  for (size_t i = 0; i < messages.size();) {
    const GroupId& group = *messages[i].group;
    size_t group_size = StringFieldSize(1, group.size());
    size_t j = i;
    for (; j < messages.size() && *messages[j].group == group; ++j) {
      group_size += NestedSize(2, sizes[j]);
    }
    runs.emplace_back(j, group_size);
    body += NestedSize(2, group_size);  // ClientFrame.groups
    i = j;
  }
  char header[kTcpFrameHeaderBytes];
  PutBigEndian32(header, static_cast<uint32_t>(body));
  Writer w(out);
  w.Bytes(std::string_view(header, sizeof(header)));
  size_t i = 0;
  for (const auto& [end, group_size] : runs) {
    w.Varint(Tag(2, kLen));
    w.Varint(group_size);
    w.StringField(1, *messages[i].group);
    for (; i < end; ++i) WriteMessage(*messages[i].message, sizes[i], &w);
  }
  return kTcpFrameHeaderBytes + body;
}

void AppendProtoFrame(std::string_view serialized, OutBuffer* out) {
  char header[kTcpFrameHeaderBytes];
  PutBigEndian32(header, static_cast<uint32_t>(serialized.size()));
  out->Append(std::string_view(header, sizeof(header)));
  out->Append(serialized);
}

// --- FrameReader ---------------------------------------------------------------------------------

std::span<char> FrameReader::WritableSpace(size_t min_bytes) {
  const size_t need = std::max(min_bytes, wanted_ > buffered() ? wanted_ - buffered() : 0);
  if (buf_.size() - end_ < need) {
    // Move what is unconsumed to the front, then grow if that is not enough.
    if (start_ > 0) {
      std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
      end_ -= start_;
      start_ = 0;
    }
    if (buf_.size() - end_ < need) buf_.resize(std::max(end_ + need, buf_.size() * 2));
  }
  return std::span<char>(buf_.data() + end_, buf_.size() - end_);
}

bool FrameReader::TakeRaw(size_t n, std::string_view* bytes) {
  if (buffered() < n) return false;
  *bytes = std::string_view(buf_.data() + start_, n);
  start_ += n;
  return true;
}

FrameReader::Next FrameReader::NextFrame(std::string_view* body) {
  if (buffered() < kTcpFrameHeaderBytes) return Next::kNeedMore;
  const uint32_t length = GetBigEndian32(buf_.data() + start_);
  if (length > max_frame_bytes_) return Next::kTooLarge;
  wanted_ = kTcpFrameHeaderBytes + length;
  if (buffered() < wanted_) return Next::kNeedMore;
  *body = std::string_view(buf_.data() + start_ + kTcpFrameHeaderBytes, length);
  start_ += wanted_;
  wanted_ = 0;
  if (start_ == end_) start_ = end_ = 0;
  return Next::kFrame;
}

}  // namespace ozone::raft
