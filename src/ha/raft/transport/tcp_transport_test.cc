// What only TcpTransport has: its framing (encoder bytes, frames split across reads, partial
// writes), peers that do not speak it (garbage, oversized or undecodable frames close that
// connection and nothing else), and its refusal of TLS. The behaviour it shares with
// GrpcTransport is tested for both in transport_test.cc.
#include "ha/raft/transport/tcp_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ha/raft/transport/raft_wire_codec.h"
#include "ha/raft/transport/tcp_frame.h"
#include "ha/raft/transport/transport_test_util.h"
#include "raft_wire.pb.h"

namespace ozone::raft {
namespace {

using namespace ozone::raft::transport_test;

std::string Flatten(const OutBuffer& out) {
  std::vector<iovec> iov(4096);
  const int n = out.FillIov(iov.data(), static_cast<int>(iov.size()));
  std::string bytes;
  for (int i = 0; i < n; ++i)
    bytes.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  return bytes;
}

// Messages using every field, with payloads below and above the zero-copy threshold.
std::vector<Message> SampleMessages(std::mt19937_64& rng, int count) {
  std::vector<Message> out;
  for (int i = 0; i < count; ++i) {
    Message m;
    m.type = static_cast<MessageType>(rng() % 10);
    m.from = "n" + std::to_string(rng() % 5);
    m.to = rng() % 7 == 0 ? "" : "peer-" + std::to_string(rng() % 5);
    m.term = Term(rng() % 3 == 0 ? 0 : rng() % 100000);
    m.last_log_index = LogIndex(rng() % 2 == 0 ? 0 : rng());
    m.last_log_term = Term(rng() % 300);
    m.transfer = rng() % 2 == 0;
    m.prev_log_index = LogIndex(rng() % 1000000);
    m.prev_log_term = Term(rng() % 200);
    const int entries = static_cast<int>(rng() % 6);
    for (int e = 0; e < entries; ++e) {
      const size_t sizes[] = {0, 1, 104, 511, 512, 1024, 70000};
      const size_t size = sizes[rng() % 7];
      Entry entry{Term(rng() % 50), LogIndex(rng() % 100000), static_cast<EntryType>(rng() % 3),
                  nullptr};
      if (size > 0)
        entry.data = MakePayload(std::string(size, static_cast<char>('a' + rng() % 26)));
      m.entries.push_back(std::move(entry));
    }
    m.commit = LogIndex(rng() % 1000);
    m.reject = rng() % 3 == 0;
    m.index = LogIndex(rng() % 1000);
    m.hint_index = LogIndex(rng() % 10);
    m.hint_term = Term(rng() % 10);
    m.context = rng() % 2 == 0 ? 0 : rng();
    if (rng() % 4 == 0) {
      m.snapshot.index = LogIndex(rng() % 1000);
      m.snapshot.term = Term(rng() % 10);
      for (int p = 0; p < static_cast<int>(rng() % 4); ++p) {
        m.snapshot.config.peers.push_back(
            PeerInfo{"s" + std::to_string(p), "host:" + std::to_string(p),
                     rng() % 2 == 0 ? PeerRole::kVoter : PeerRole::kLearner});
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

TEST(TcpFrameTest, EncoderWritesWhatProtobufSerializes) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    const std::vector<Message> messages = SampleMessages(rng, 1 + static_cast<int>(rng() % 8));
    const std::vector<GroupId> groups = {"group-a", "g", ""};
    std::vector<GroupId> assigned;
    for (size_t i = 0; i < messages.size(); ++i) assigned.push_back(groups[rng() % groups.size()]);
    std::vector<GroupedMessage> grouped;
    for (size_t i = 0; i < messages.size(); ++i) grouped.push_back({&assigned[i], &messages[i]});

    OutBuffer out;
    const size_t frame_bytes = AppendBatchFrame(grouped, &out);
    const std::string bytes = Flatten(out);
    ASSERT_EQ(bytes.size(), frame_bytes);
    ASSERT_EQ(out.size(), frame_bytes);

    // What protobuf makes of the same batch, through the gRPC transport's codec.
    wire::ClientFrame expected;
    wire::GroupMessages* group = nullptr;
    for (size_t i = 0; i < messages.size(); ++i) {
      if (group == nullptr || group->group_id() != assigned[i]) {
        group = expected.add_groups();
        group->set_group_id(assigned[i]);
      }
      EncodeMessage(messages[i], group->add_messages());
    }
    const std::string body = expected.SerializeAsString();
    ASSERT_EQ(bytes.size(), kTcpFrameHeaderBytes + body.size()) << "round " << round;
    const uint32_t length = (uint32_t(uint8_t(bytes[0])) << 24) |
                            (uint32_t(uint8_t(bytes[1])) << 16) |
                            (uint32_t(uint8_t(bytes[2])) << 8) | uint32_t(uint8_t(bytes[3]));
    EXPECT_EQ(length, body.size());
    ASSERT_EQ(bytes.substr(kTcpFrameHeaderBytes), body) << "round " << round;

    // And it decodes back to the messages.
    wire::ClientFrame parsed;
    ASSERT_TRUE(parsed.ParseFromString(body));
    size_t k = 0;
    for (wire::GroupMessages& g : *parsed.mutable_groups()) {
      for (wire::MessageProto& proto : *g.mutable_messages()) {
        Result<Message> m = DecodeMessage(&proto);
        ASSERT_TRUE(m.ok());
        EXPECT_EQ(g.group_id(), assigned[k]);
        EXPECT_EQ(m->context, messages[k].context);
        ASSERT_EQ(m->entries.size(), messages[k].entries.size());
        for (size_t e = 0; e < m->entries.size(); ++e) {
          EXPECT_EQ(m->entries[e].bytes(), messages[k].entries[e].bytes());
        }
        ++k;
      }
    }
    EXPECT_EQ(k, messages.size());
  }
}

TEST(TcpFrameTest, LargePayloadsAreNotCopied) {
  Message m = Append("a", "b", 1, 4096);
  const GroupId group = "g";
  OutBuffer out;
  const GroupedMessage gm{&group, &m};
  AppendBatchFrame(std::span<const GroupedMessage>(&gm, 1), &out);
  iovec iov[16];
  const int n = out.FillIov(iov, 16);
  bool shared = false;
  for (int i = 0; i < n; ++i) shared |= iov[i].iov_base == m.entries[0].data->data();
  EXPECT_TRUE(shared) << "the payload must be written from its own buffer";
}

TEST(TcpFrameTest, OutBufferConsumesAcrossSegmentsInAnyChunks) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 100; ++round) {
    OutBuffer out;
    std::string expected;
    for (int i = 0; i < 10; ++i) {
      std::string s(rng() % 2000, static_cast<char>('a' + i));
      expected += s;
      if (rng() % 2 == 0) {
        out.Append(s);
      } else {
        out.AppendShared(MakePayload(s));
      }
    }
    ASSERT_EQ(out.size(), expected.size());
    size_t consumed = 0;
    while (!out.empty()) {
      ASSERT_EQ(Flatten(out), expected.substr(consumed));
      const size_t n = std::min<size_t>(out.size(), 1 + rng() % 1500);  // a partial write
      out.Consume(n);
      consumed += n;
    }
    EXPECT_EQ(consumed, expected.size());
  }
}

TEST(TcpFrameTest, ReaderCutsFramesWhateverTheReadBoundaries) {
  std::mt19937_64 rng(3);
  std::vector<std::string> bodies;
  OutBuffer out;
  out.Append(TcpPreamble());
  for (int i = 0; i < 50; ++i) {
    std::string body(rng() % 3 == 0 ? 0 : rng() % 100000, static_cast<char>(i));
    bodies.push_back(body);
    AppendProtoFrame(body, &out);
  }
  const std::string stream = Flatten(out);
  for (size_t max_chunk : {size_t{1}, size_t{3}, size_t{4096}, size_t{1} << 20}) {
    FrameReader reader(size_t{1} << 20);
    std::vector<std::string> got;
    bool preamble = false;
    size_t pos = 0;
    while (pos < stream.size()) {
      const size_t chunk = std::min(stream.size() - pos, 1 + rng() % max_chunk);
      std::span<char> space = reader.WritableSpace(chunk);
      ASSERT_GE(space.size(), chunk);
      std::memcpy(space.data(), stream.data() + pos, chunk);
      reader.Commit(chunk);
      pos += chunk;
      if (!preamble) {
        std::string_view p;
        if (!reader.TakeRaw(kTcpPreambleBytes, &p)) continue;
        ASSERT_EQ(p, TcpPreamble());
        preamble = true;
      }
      std::string_view body;
      FrameReader::Next next;
      while ((next = reader.NextFrame(&body)) == FrameReader::Next::kFrame) got.emplace_back(body);
      ASSERT_EQ(next, FrameReader::Next::kNeedMore);
    }
    EXPECT_EQ(got, bodies) << "chunks up to " << max_chunk;
    EXPECT_EQ(reader.buffered(), 0u);
  }
}

TEST(TcpFrameTest, ReaderRefusesAFrameOverTheBound) {
  FrameReader reader(1000);
  OutBuffer out;
  AppendProtoFrame(std::string(1001, 'x'), &out);
  const std::string stream = Flatten(out);
  std::span<char> space = reader.WritableSpace(stream.size());
  std::memcpy(space.data(), stream.data(), 4);  // the header alone is enough to refuse
  reader.Commit(4);
  std::string_view body;
  EXPECT_EQ(reader.NextFrame(&body), FrameReader::Next::kTooLarge);
}

// --- a live transport and raw sockets ---------------------------------------------------------

TcpTransportOptions Options(const std::string& cluster_id = "cluster-1") {
  TcpTransportOptions o;
  o.listen_address = "127.0.0.1:0";
  o.cluster_id = cluster_id;
  o.connect_timeout = milliseconds(30000);
  return o;
}

std::unique_ptr<TcpTransport> Start(TcpTransportOptions options) {
  Result<std::unique_ptr<TcpTransport>> t = TcpTransport::Start(std::move(options));
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? std::move(t).value() : nullptr;
}

std::string Address(const TcpTransport& t) { return "127.0.0.1:" + std::to_string(t.port()); }

// A peer speaking (or not) the framing by hand, over a blocking socket.
class RawPeer {
 public:
  explicit RawPeer(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    timeval tv{30, 0};  // a test that fails must not hang
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~RawPeer() { close(fd_); }

  bool Write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // The preamble and a Hello; returns the answer.
  wire::ServerFrame Handshake(const std::string& cluster_id) {
    wire::ClientFrame hello;
    hello.mutable_hello()->set_protocol_version(kRaftWireProtocolVersion);
    hello.mutable_hello()->set_cluster_id(cluster_id);
    hello.mutable_hello()->set_sender_address("raw-peer");
    OutBuffer out;
    out.Append(TcpPreamble());
    AppendProtoFrame(hello.SerializeAsString(), &out);
    EXPECT_TRUE(Write(Flatten(out)));
    wire::ServerFrame answer;
    FrameReader reader(1 << 16);
    std::string_view body;
    while (reader.NextFrame(&body) == FrameReader::Next::kNeedMore) {
      std::span<char> space = reader.WritableSpace();
      const ssize_t n = recv(fd_, space.data(), space.size(), 0);
      if (n <= 0) return answer;
      reader.Commit(static_cast<size_t>(n));
    }
    EXPECT_TRUE(answer.ParseFromArray(body.data(), static_cast<int>(body.size())));
    return answer;
  }
  // Waits until the transport closes the connection (true) or something else is read (false).
  bool WaitClosed() {
    char c;
    const ssize_t n = recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  int fd_ = -1;
};

std::string BatchFrame(const GroupId& group, const std::vector<Message>& messages) {
  std::vector<GroupedMessage> grouped;
  for (const Message& m : messages) grouped.push_back({&group, &m});
  OutBuffer out;
  AppendBatchFrame(grouped, &out);
  return Flatten(out);
}

TEST(TcpTransportTest, TlsIsRefusedWithAClearError) {
  TcpTransportOptions o = Options();
  o.tls_cert_pem = "-----BEGIN CERTIFICATE-----\n";
  o.tls_key_pem = "-----BEGIN PRIVATE KEY-----\n";
  Result<std::unique_ptr<TcpTransport>> t = TcpTransport::Start(o);
  ASSERT_TRUE(t.status().IsInvalidArgument());
  EXPECT_NE(t.status().ToString().find("does not support TLS"), std::string::npos) << t.status();
  EXPECT_NE(t.status().ToString().find("grpc"), std::string::npos) << t.status();
  o = Options();
  o.tls_ca_pem = "-----BEGIN CERTIFICATE-----\n";
  EXPECT_TRUE(TcpTransport::Start(o).status().IsInvalidArgument());
}

TEST(TcpTransportTest, FrameSplitIntoSingleBytesIsDelivered) {
  auto b = Start(Options());
  ASSERT_TRUE(b);
  Inbox inbox;
  ASSERT_TRUE(b->RegisterGroup("g", inbox.Handler()).ok());
  RawPeer peer(b->port());
  ASSERT_TRUE(peer.Handshake("cluster-1").has_hello_ack());
  const std::string frame1 =
      BatchFrame("g", {Append("raw", "b", 1, 600), Heartbeat("raw", "b", 2)});
  const std::string frame2 = BatchFrame("g", {Heartbeat("raw", "b", 3)});
  // The first frame one byte per write (one segment each: TCP_NODELAY), then the second frame
  // and nothing else: a frame split across reads is put back together.
  for (char c : frame1) ASSERT_TRUE(peer.Write(std::string_view(&c, 1)));
  ASSERT_TRUE(peer.Write(frame2));
  ASSERT_TRUE(inbox.WaitForMessages(3));
  const std::vector<Message> got = inbox.messages();
  EXPECT_EQ(got[0].context, 1u);
  EXPECT_EQ(got[0].entries.at(0).bytes(), std::string(600, 'p'));
  EXPECT_EQ(got[1].context, 2u);
  EXPECT_EQ(got[2].context, 3u);
  EXPECT_EQ(b->stats().batches_received, 2u);
}

TEST(TcpTransportTest, SeveralFramesInOneWriteAreDeliveredInOrder) {
  auto b = Start(Options());
  ASSERT_TRUE(b);
  Inbox inbox;
  ASSERT_TRUE(b->RegisterGroup("g", inbox.Handler()).ok());
  RawPeer peer(b->port());
  ASSERT_TRUE(peer.Handshake("cluster-1").has_hello_ack());
  std::string frames;
  for (uint64_t i = 0; i < 100; ++i) frames += BatchFrame("g", {Heartbeat("raw", "b", i)});
  ASSERT_TRUE(peer.Write(frames));
  ASSERT_TRUE(inbox.WaitForMessages(100));
  const std::vector<Message> got = inbox.messages();
  for (uint64_t i = 0; i < 100; ++i) EXPECT_EQ(got[i].context, i);
}

// After a rogue connection is closed the transport still serves a well-behaved peer.
void ExpectStillServes(TcpTransport& b, Inbox& inbox) {
  auto a = Start(Options());
  ASSERT_TRUE(a);
  const size_t before = inbox.size();
  a->Send("g", Address(b), Heartbeat("a", "b", 77));
  ASSERT_TRUE(inbox.WaitForMessages(before + 1));
  EXPECT_EQ(inbox.messages().back().context, 77u);
}

TEST(TcpTransportTest, GarbageInsteadOfThePreambleClosesThatConnection) {
  auto b = Start(Options());
  ASSERT_TRUE(b);
  Inbox inbox;
  ASSERT_TRUE(b->RegisterGroup("g", inbox.Handler()).ok());
  RawPeer rogue(b->port());
  ASSERT_TRUE(rogue.Write("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(rogue.WaitClosed());
  EXPECT_EQ(b->stats().streams_refused, 1u);
  ExpectStillServes(*b, inbox);
}

TEST(TcpTransportTest, OversizedFrameClosesThatConnection) {
  TcpTransportOptions options = Options();
  options.max_receive_frame_bytes = 1 << 20;
  auto b = Start(options);
  ASSERT_TRUE(b);
  Inbox inbox;
  ASSERT_TRUE(b->RegisterGroup("g", inbox.Handler()).ok());
  RawPeer rogue(b->port());
  ASSERT_TRUE(rogue.Handshake("cluster-1").has_hello_ack());
  ASSERT_TRUE(rogue.Write(std::string("\xff\xff\xff\xf0", 4)));  // ~4 GiB announced
  EXPECT_TRUE(rogue.WaitClosed());
  EXPECT_EQ(b->stats().dropped_malformed, 1u);
  EXPECT_EQ(inbox.size(), 0u);
  ExpectStillServes(*b, inbox);
}

TEST(TcpTransportTest, SilentPeerIsClosedAfterTheConnectTimeout) {
  TcpTransportOptions options = Options();
  options.connect_timeout = milliseconds(200);
  auto b = Start(options);
  ASSERT_TRUE(b);
  Inbox inbox;
  ASSERT_TRUE(b->RegisterGroup("g", inbox.Handler()).ok());
  RawPeer silent(b->port());  // connects, never says hello
  EXPECT_TRUE(silent.WaitClosed());
  EXPECT_EQ(b->stats().streams_refused, 1u);
  ExpectStillServes(*b, inbox);
}

TEST(TcpTransportTest, OversizedHelloClosesThatConnection) {
  auto b = Start(Options());
  ASSERT_TRUE(b);
  Inbox inbox;
  ASSERT_TRUE(b->RegisterGroup("g", inbox.Handler()).ok());
  RawPeer rogue(b->port());
  // Before the handshake even the configured frame bound is not granted.
  ASSERT_TRUE(rogue.Write(TcpPreamble() + std::string("\x00\x10\x00\x00", 4)));
  EXPECT_TRUE(rogue.WaitClosed());
  ExpectStillServes(*b, inbox);
}

TEST(TcpTransportTest, UndecodableFrameClosesThatConnection) {
  auto b = Start(Options());
  ASSERT_TRUE(b);
  Inbox inbox;
  ASSERT_TRUE(b->RegisterGroup("g", inbox.Handler()).ok());
  RawPeer rogue(b->port());
  ASSERT_TRUE(rogue.Handshake("cluster-1").has_hello_ack());
  ASSERT_TRUE(rogue.Write(BatchFrame("g", {Heartbeat("raw", "b", 1)})));
  ASSERT_TRUE(inbox.WaitForMessages(1));
  ASSERT_TRUE(rogue.Write(std::string("\x00\x00\x00\x08", 4) + std::string(8, '\xff')));
  EXPECT_TRUE(rogue.WaitClosed());
  EXPECT_EQ(b->stats().dropped_malformed, 1u);
  EXPECT_EQ(inbox.size(), 1u);
  ExpectStillServes(*b, inbox);
}

TEST(TcpTransportTest, WrongClusterGetsARefusalNamingBothClusters) {
  auto b = Start(Options("cluster-b"));
  ASSERT_TRUE(b);
  RawPeer rogue(b->port());
  const wire::ServerFrame answer = rogue.Handshake("cluster-a");
  EXPECT_FALSE(answer.has_hello_ack());
  EXPECT_NE(answer.refusal().find("'cluster-a'"), std::string::npos) << answer.refusal();
  EXPECT_NE(answer.refusal().find("'cluster-b'"), std::string::npos) << answer.refusal();
  EXPECT_TRUE(rogue.WaitClosed());
}

TEST(TcpTransportTest, BacklogBehindAStalledReceiverArrivesInOrderAndIntact) {
  auto a = Start(Options());
  auto b = Start(Options());
  ASSERT_TRUE(a && b);
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  Inbox inbox;
  GroupHandler inbox_handler = inbox.Handler();
  ASSERT_TRUE(b->RegisterGroup("g", GroupHandler{[&](std::vector<Message> batch) {
                                                   if (first.exchange(false)) {
                                                     entered.set_value();
                                                     released.wait();
                                                   }
                                                   inbox_handler.on_messages(std::move(batch));
                                                 },
                                                 nullptr})
                  .ok());
  a->Send("g", Address(*b), Append("a", "b", 0, 100));
  ASSERT_EQ(entered.get_future().wait_for(kTimeout), std::future_status::ready);
  // B's loop is stuck in the handler: 16 MiB fill the socket buffers, writes go partial and then
  // wait for EPOLLOUT while later Sends queue behind them.
  constexpr uint64_t kMessages = 256;
  for (uint64_t i = 1; i <= kMessages; ++i) {
    Message m = Append("a", "b", i, 64 << 10);
    m.entries[0].data = MakePayload(std::string(64 << 10, static_cast<char>('a' + i % 26)));
    a->Send("g", Address(*b), std::move(m));
  }
  release.set_value();
  ASSERT_TRUE(inbox.WaitForMessages(kMessages + 1))
      << inbox.size() << " sent " << a->stats().messages_sent << " batches "
      << a->stats().batches_sent << " received " << b->stats().messages_received;
  const std::vector<Message> got = inbox.messages();
  for (uint64_t i = 0; i <= kMessages; ++i) {
    ASSERT_EQ(got[i].context, i);
    if (i > 0) {
      ASSERT_EQ(got[i].entries.at(0).bytes(),
                std::string(64 << 10, static_cast<char>('a' + i % 26)))
          << i;
    }
  }
  EXPECT_EQ(a->stats().dropped_queue_full, 0u);
  EXPECT_LT(a->stats().batches_sent, kMessages + 1) << "what queued behind a pending write leaves "
                                                       "in shared frames";
}

TEST(TcpTransportTest, RepliesToOneFrameLeaveInOneFrame) {
  auto a = Start(Options());
  auto b = Start(Options());
  ASSERT_TRUE(a && b);
  Inbox a_inbox;
  ASSERT_TRUE(a->RegisterGroup("g", a_inbox.Handler()).ok());
  const std::string a_address = Address(*a);
  ASSERT_TRUE(b->RegisterGroup("g", GroupHandler{[&](std::vector<Message> batch) {
                                                   for (Message& m : batch) {
                                                     b->Send("g", a_address,
                                                             Heartbeat("b", "a", m.context));
                                                   }
                                                 },
                                                 nullptr})
                  .ok());
  RawPeer peer(b->port());
  ASSERT_TRUE(peer.Handshake("cluster-1").has_hello_ack());
  // B's connection to A first, so that the replies below find it up and idle.
  ASSERT_TRUE(peer.Write(BatchFrame("g", {Heartbeat("raw", "b", 0)})));
  ASSERT_TRUE(a_inbox.WaitForMessages(1));
  const uint64_t frames_before = a->stats().batches_received;
  std::vector<Message> ten;
  for (uint64_t i = 1; i <= 10; ++i) ten.push_back(Heartbeat("raw", "b", i));
  ASSERT_TRUE(peer.Write(BatchFrame("g", ten)));
  ASSERT_TRUE(a_inbox.WaitForMessages(11));
  EXPECT_EQ(a->stats().batches_received - frames_before, 1u)
      << "what the handlers of one frame send leaves in one frame once they return";
  const std::vector<Message> got = a_inbox.messages();
  for (uint64_t i = 0; i <= 10; ++i) EXPECT_EQ(got[i].context, i);
}

TEST(TcpTransportTest, FlushHeldSendsLetsAReplyLeaveBeforeItsHandlerReturns) {
  // The Raft server acknowledges an append, flushes, then applies inline in the same handler: the
  // acknowledgement must not wait for the apply.
  auto a = Start(Options());
  auto b = Start(Options());
  ASSERT_TRUE(a && b);
  Inbox a_inbox;
  ASSERT_TRUE(a->RegisterGroup("g", a_inbox.Handler()).ok());
  const std::string a_address = Address(*a);
  std::promise<bool> seen_inside;
  ASSERT_TRUE(b->RegisterGroup("g", GroupHandler{[&](std::vector<Message> batch) {
                                                   for (Message& m : batch) {
                                                     b->Send("g", a_address,
                                                             Heartbeat("b", "a", m.context));
                                                   }
                                                   if (batch.front().context == 0) return;
                                                   b->FlushHeldSends();
                                                   // Still inside the handler: the reply is out.
                                                   seen_inside.set_value(a_inbox.WaitForContext(
                                                       batch.front().context, milliseconds(10000)));
                                                 },
                                                 nullptr})
                  .ok());
  RawPeer peer(b->port());
  ASSERT_TRUE(peer.Handshake("cluster-1").has_hello_ack());
  // B's connection to A first, so that the reply below finds it up and idle (and is held).
  ASSERT_TRUE(peer.Write(BatchFrame("g", {Heartbeat("raw", "b", 0)})));
  ASSERT_TRUE(a_inbox.WaitForMessages(1));
  ASSERT_TRUE(peer.Write(BatchFrame("g", {Heartbeat("raw", "b", 7)})));
  std::future<bool> seen = seen_inside.get_future();
  ASSERT_EQ(seen.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_TRUE(seen.get()) << "the reply left only when the handler returned";
}

TEST(TcpTransportTest, ListensOnHostNames) {
  TcpTransportOptions o = Options();
  o.listen_address = "localhost:0";
  auto b = Start(o);
  ASSERT_TRUE(b);
  EXPECT_GT(b->port(), 0);
  EXPECT_EQ(b->options().advertised_address, "localhost:" + std::to_string(b->port()));
}

}  // namespace
}  // namespace ozone::raft
