// The behaviour both transports between processes promise (transport.h, grpc_transport.h,
// tcp_transport.h), run against each: a typed suite over GrpcTransport and TcpTransport. What only
// one of them has (gRPC's TLS; TCP's framing and rogue peers) is at the end and in
// tcp_transport_test.cc.
#include <arpa/inet.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "ha/raft/transport/grpc_transport.h"
#include "ha/raft/transport/tcp_transport.h"
#include "ha/raft/transport/transport_test_util.h"
#include "tests/testutil/subprocess.h"

namespace ozone::raft {
namespace {

using namespace ozone::raft::transport_test;

template <typename T>
struct Traits;
template <>
struct Traits<GrpcTransport> {
  using Options = GrpcTransportOptions;
};
template <>
struct Traits<TcpTransport> {
  using Options = TcpTransportOptions;
};

template <typename T>
typename Traits<T>::Options Options(const std::string& cluster_id = "cluster-1") {
  typename Traits<T>::Options o;
  o.listen_address = "127.0.0.1:0";
  o.cluster_id = cluster_id;
  // Slow machines (valgrind) may take seconds for a first connection; a timeout would drop the
  // message the test waits for. Tests of the timeout set their own.
  o.connect_timeout = milliseconds(30000);
  return o;
}

template <typename Opts>
auto Start(Opts options) {
  using T =
      std::conditional_t<std::is_same_v<Opts, GrpcTransportOptions>, GrpcTransport, TcpTransport>;
  Result<std::unique_ptr<T>> t = T::Start(std::move(options));
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? std::move(t).value() : nullptr;
}

template <typename T>
std::string Address(const T& t) {
  return "127.0.0.1:" + std::to_string(t.port());
}

template <typename T>
class TransportTest : public ::testing::Test {};
struct TransportNames {
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, GrpcTransport> ? "Grpc" : "Tcp";
  }
};
using TransportTypes = ::testing::Types<GrpcTransport, TcpTransport>;
TYPED_TEST_SUITE(TransportTest, TransportTypes, TransportNames);

TYPED_TEST(TransportTest, TwoTransportsExchangeMessagesForTwoGroups) {
  auto a = Start(Options<TypeParam>());
  auto b = Start(Options<TypeParam>());
  ASSERT_TRUE(a && b);
  Inbox a1, a2, b1, b2;
  ASSERT_TRUE(a->RegisterGroup("pipeline-1", a1.Handler()).ok());
  ASSERT_TRUE(a->RegisterGroup("pipeline-2", a2.Handler()).ok());
  ASSERT_TRUE(b->RegisterGroup("pipeline-1", b1.Handler()).ok());
  ASSERT_TRUE(b->RegisterGroup("pipeline-2", b2.Handler()).ok());

  a->Send("pipeline-1", Address(*b), Heartbeat("a", "b", 1));
  a->Send("pipeline-2", Address(*b), Heartbeat("a", "b", 2));
  ASSERT_TRUE(b1.WaitForMessages(1));
  ASSERT_TRUE(b2.WaitForMessages(1));
  EXPECT_EQ(b1.messages()[0].context, 1u);
  EXPECT_EQ(b1.messages()[0].from, "a");
  EXPECT_EQ(b1.messages()[0].to, "b");
  EXPECT_EQ(b1.messages()[0].type, MessageType::kHeartbeat);
  EXPECT_EQ(b2.messages()[0].context, 2u);

  // Replies travel on B's own stream to A.
  b->Send("pipeline-1", Address(*a), Heartbeat("b", "a", 11));
  b->Send("pipeline-2", Address(*a), Heartbeat("b", "a", 12));
  ASSERT_TRUE(a1.WaitForMessages(1));
  ASSERT_TRUE(a2.WaitForMessages(1));
  EXPECT_EQ(a1.messages()[0].context, 11u);
  EXPECT_EQ(a2.messages()[0].context, 12u);
  EXPECT_EQ(a1.size() + a2.size() + b1.size() + b2.size(), 4u);
  EXPECT_EQ(a->stats().connects, 1u);
  EXPECT_EQ(b->stats().connects, 1u);
}

TYPED_TEST(TransportTest, HandlersMayReplyFromTheTransportThread) {
  auto a = Start(Options<TypeParam>());
  auto b = Start(Options<TypeParam>());
  ASSERT_TRUE(a && b);
  const std::string a_address = Address(*a);
  ASSERT_TRUE(b->RegisterGroup("g", GroupHandler{[&](std::vector<Message> batch) {
                                                   for (Message& m : batch) {
                                                     b->Send("g", a_address,
                                                             Heartbeat("b", "a", m.context));
                                                   }
                                                 },
                                                 nullptr})
                  .ok());
  Inbox a_inbox;
  ASSERT_TRUE(a->RegisterGroup("g", a_inbox.Handler()).ok());
  for (uint64_t i = 0; i < 200; ++i) {
    a->Send("g", Address(*b), Heartbeat("a", "b", i));
    ASSERT_TRUE(a_inbox.WaitForMessages(i + 1)) << i;
  }
  std::vector<Message> got = a_inbox.messages();
  for (uint64_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].context, i);
}

TYPED_TEST(TransportTest, BatchesUnderLoadArriveInOrderPerSender) {
  auto a = Start(Options<TypeParam>());
  auto c = Start(Options<TypeParam>());
  auto b = Start(Options<TypeParam>());
  ASSERT_TRUE(a && b && c);
  Inbox inbox;
  ASSERT_TRUE(b->RegisterGroup("g", inbox.Handler()).ok());
  constexpr uint64_t kPerSender = 20000;
  std::thread from_c([&] {
    for (uint64_t i = 0; i < kPerSender; ++i) {
      c->Send("g", Address(*b), Append("c", "b", i, 100));
    }
  });
  for (uint64_t i = 0; i < kPerSender; ++i) a->Send("g", Address(*b), Append("a", "b", i, 100));
  from_c.join();
  ASSERT_TRUE(inbox.WaitForMessages(2 * kPerSender)) << inbox.size();

  uint64_t next_a = 0, next_c = 0;
  for (const Message& m : inbox.messages()) {
    uint64_t& next = m.from == "a" ? next_a : next_c;
    ASSERT_EQ(m.context, next) << "from " << m.from;
    ++next;
    ASSERT_EQ(m.entries.size(), 1u);
    EXPECT_EQ(m.entries[0].bytes(), std::string(100, 'p'));
  }
  EXPECT_EQ(next_a, kPerSender);
  EXPECT_EQ(next_c, kPerSender);
  const TransportStats stats = b->stats();
  EXPECT_EQ(stats.messages_received, 2 * kPerSender);
  if constexpr (std::is_same_v<TypeParam, GrpcTransport>) {
    // gRPC: messages queue while a write is in flight (asynchronous completion). TcpTransport
    // writes each Send at once while the socket takes it and batches only behind a full socket:
    // tcp_transport_test.cc's BacklogBehindAStalledReceiverArrivesInOrderAndIntact.
    EXPECT_LT(stats.batches_received, 2 * kPerSender / 10) << "messages were not batched";
  }
  EXPECT_EQ(a->stats().dropped_queue_full, 0u);  // (messages_sent may lag: counted after Write)
}

TYPED_TEST(TransportTest, UnreachableDestinationIsReportedPerPeer) {
  auto a = Start(Options<TypeParam>());
  ASSERT_TRUE(a);
  Inbox inbox;
  ASSERT_TRUE(a->RegisterGroup("g", inbox.Handler()).ok());
  a->Send("g", "127.0.0.1:" + std::to_string(UnusedPort()), Heartbeat("a", "nobody", 1));
  ASSERT_TRUE(inbox.WaitForUnreachable(1));
  EXPECT_EQ(inbox.unreachable()[0], "nobody");
  EXPECT_GE(a->stats().dropped_unreachable, 1u);
  EXPECT_GE(a->stats().connect_failures, 1u);
}

TYPED_TEST(TransportTest, DestinationDownThenUpReconnects) {
  auto a = Start(Options<TypeParam>());
  auto b = Start(Options<TypeParam>());
  ASSERT_TRUE(a && b);
  Inbox a_inbox, b_inbox;
  ASSERT_TRUE(a->RegisterGroup("g", a_inbox.Handler()).ok());
  ASSERT_TRUE(b->RegisterGroup("g", b_inbox.Handler()).ok());
  const int b_port = b->port();
  const std::string b_address = Address(*b);
  a->Send("g", b_address, Heartbeat("a", "b", 0));
  ASSERT_TRUE(b_inbox.WaitForMessages(1));

  b.reset();  // B goes down
  // Raft keeps sending; the transport notices the broken stream or the refused connection.
  uint64_t context = 1;
  for (int i = 0; i < 100 && a_inbox.unreachable().empty(); ++i) {
    a->Send("g", b_address, Heartbeat("a", "b", context++));
    a_inbox.WaitForUnreachable(1, milliseconds(100));
  }
  ASSERT_FALSE(a_inbox.unreachable().empty());
  EXPECT_EQ(a_inbox.unreachable()[0], "b");

  // B comes back on the same port.
  auto options = Options<TypeParam>();
  options.listen_address = b_address;
  b = Start(options);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->port(), b_port);
  Inbox b2_inbox;
  ASSERT_TRUE(b->RegisterGroup("g", b2_inbox.Handler()).ok());
  // Retransmit until one message gets through (the sender may be backing off), then later
  // messages are all delivered, in order.
  for (int i = 0; i < 200 && b2_inbox.size() == 0; ++i) {
    a->Send("g", b_address, Heartbeat("a", "b", context++));
    b2_inbox.WaitForMessages(1, milliseconds(50));
  }
  ASSERT_TRUE(b2_inbox.WaitForMessages(1));
  const uint64_t first = context;
  for (int i = 0; i < 100; ++i) a->Send("g", b_address, Heartbeat("a", "b", context++));
  ASSERT_TRUE(b2_inbox.WaitForContext(context - 1));
  // Everything after the first delivered message arrives, in order, exactly once.
  const std::vector<Message> got = b2_inbox.messages();
  size_t later = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(got[i - 1].context, got[i].context);
    }
    if (got[i].context >= first) ++later;
  }
  EXPECT_EQ(later, 100u);
  EXPECT_GE(a->stats().connects, 2u);
}

TYPED_TEST(TransportTest, ClusterIdMismatchIsRefused) {
  LogCapture logs;
  auto a = Start(Options<TypeParam>("cluster-a"));
  auto b = Start(Options<TypeParam>("cluster-b"));
  ASSERT_TRUE(a && b);
  Inbox a_inbox, b_inbox;
  ASSERT_TRUE(a->RegisterGroup("g", a_inbox.Handler()).ok());
  ASSERT_TRUE(b->RegisterGroup("g", b_inbox.Handler()).ok());
  a->Send("g", Address(*b), Heartbeat("a", "b", 1));
  ASSERT_TRUE(a_inbox.WaitForUnreachable(1));
  EXPECT_EQ(a->stats().handshake_rejections, 1u);
  EXPECT_EQ(a->stats().connects, 0u);
  EXPECT_EQ(b->stats().streams_refused, 1u);
  EXPECT_EQ(b->stats().batches_received, 0u);
  EXPECT_EQ(b_inbox.size(), 0u);
  EXPECT_TRUE(logs.Contains("cluster id mismatch")) << "the refusal must say why";
  EXPECT_TRUE(logs.Contains("'cluster-a'"));
  EXPECT_TRUE(logs.Contains("'cluster-b'"));
}

TYPED_TEST(TransportTest, MessagesForUnknownGroupsAreDropped) {
  LogCapture logs;
  auto a = Start(Options<TypeParam>());
  auto b = Start(Options<TypeParam>());
  ASSERT_TRUE(a && b);
  Inbox inbox;
  ASSERT_TRUE(b->RegisterGroup("known", inbox.Handler()).ok());
  a->Send("ghost", Address(*b), Heartbeat("a", "b", 1));
  a->Send("known", Address(*b), Heartbeat("a", "b", 2));
  ASSERT_TRUE(inbox.WaitForMessages(1));  // in order: the ghost message was handled before
  EXPECT_EQ(inbox.messages()[0].context, 2u);
  EXPECT_EQ(b->stats().dropped_unknown_group, 1u);
  EXPECT_EQ(b->stats().messages_received, 1u);
  EXPECT_TRUE(logs.Contains("group ghost, which has no handler"));
}

TYPED_TEST(TransportTest, UnregisteredGroupStopsReceiving) {
  auto a = Start(Options<TypeParam>());
  auto b = Start(Options<TypeParam>());
  ASSERT_TRUE(a && b);
  Inbox g1, g2;
  ASSERT_TRUE(b->RegisterGroup("g1", g1.Handler()).ok());
  ASSERT_TRUE(b->RegisterGroup("g2", g2.Handler()).ok());
  EXPECT_TRUE(b->RegisterGroup("g1", g1.Handler()).IsAlreadyExists());
  a->Send("g1", Address(*b), Heartbeat("a", "b", 1));
  ASSERT_TRUE(g1.WaitForMessages(1));
  b->UnregisterGroup("g1");
  a->Send("g1", Address(*b), Heartbeat("a", "b", 2));
  a->Send("g2", Address(*b), Heartbeat("a", "b", 3));
  ASSERT_TRUE(g2.WaitForMessages(1));
  EXPECT_EQ(g1.size(), 1u);
  EXPECT_EQ(b->stats().dropped_unknown_group, 1u);
}

TYPED_TEST(TransportTest, FullQueueDropsInsteadOfBlocking) {
  Blackhole blackhole;  // the sender hangs in its handshake; nothing leaves the queue
  auto options = Options<TypeParam>();
  options.max_queue_bytes = 64 << 10;
  options.connect_timeout = milliseconds(60000);
  auto a = Start(options);
  ASSERT_TRUE(a);
  constexpr size_t kMessages = 1000;
  const Message sample = Append("a", "b", 0, 1000);
  const size_t bytes = sample.ByteSize() + std::string("g").size();
  const size_t fits = options.max_queue_bytes / bytes;
  for (size_t i = 0; i < kMessages; ++i) a->Send("g", blackhole.address(), sample);
  const TransportStats stats = a->stats();
  EXPECT_EQ(stats.dropped_queue_full, kMessages - fits);
  EXPECT_EQ(stats.messages_sent, 0u);
  // Shutdown cancels the hanging handshake rather than waiting for connect_timeout.
  const auto start = std::chrono::steady_clock::now();
  a->Shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(a->stats().dropped_shutdown, fits);
}

TYPED_TEST(TransportTest, ConnectTimeoutReportsUnreachable) {
  Blackhole blackhole;
  auto options = Options<TypeParam>();
  options.connect_timeout = milliseconds(200);
  auto a = Start(options);
  ASSERT_TRUE(a);
  Inbox inbox;
  ASSERT_TRUE(a->RegisterGroup("g", inbox.Handler()).ok());
  a->Send("g", blackhole.address(), Heartbeat("a", "b", 1));
  ASSERT_TRUE(inbox.WaitForUnreachable(1));
  EXPECT_EQ(a->stats().connect_failures, 1u);
}

TYPED_TEST(TransportTest, HostNameLocalhostIsResolved) {
  auto a = Start(Options<TypeParam>());
  auto b = Start(Options<TypeParam>());
  ASSERT_TRUE(a && b);
  Inbox inbox;
  ASSERT_TRUE(b->RegisterGroup("g", inbox.Handler()).ok());
  a->Send("g", "localhost:" + std::to_string(b->port()), Heartbeat("a", "b", 5));
  ASSERT_TRUE(inbox.WaitForMessages(1));
  EXPECT_EQ(inbox.messages()[0].context, 5u);
}

// Every TCP socket of this process connected to or accepted on `port`: (fd, is_accepted).
std::vector<std::pair<int, bool>> SocketsOnPort(int port) {
  std::vector<std::pair<int, bool>> out;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return out;
  while (dirent* e = readdir(dir)) {
    const int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    sockaddr_storage local{}, peer{};
    socklen_t local_len = sizeof(local), peer_len = sizeof(peer);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) continue;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) continue;
    // gRPC may use dual-stack IPv6 sockets with IPv4-mapped addresses.
    auto port_of = [](const sockaddr_storage& a) {
      if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&a)->sin_port);
      if (a.ss_family == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&a)->sin6_port);
      }
      return uint16_t{0};
    };
    const int local_port = port_of(local);
    const int peer_port = port_of(peer);
    if (local_port == 0 || peer_port == 0) continue;
    if (peer_port == port) out.emplace_back(fd, false);
    if (local_port == port) out.emplace_back(fd, true);
  }
  closedir(dir);
  return out;
}

TYPED_TEST(TransportTest, TcpNoDelayOnBothEnds) {
  auto a = Start(Options<TypeParam>());
  auto b = Start(Options<TypeParam>());
  ASSERT_TRUE(a && b);
  Inbox inbox;
  ASSERT_TRUE(b->RegisterGroup("g", inbox.Handler()).ok());
  a->Send("g", Address(*b), Heartbeat("a", "b", 1));
  ASSERT_TRUE(inbox.WaitForMessages(1));
  int dialed = 0, accepted = 0;
  for (const auto& [fd, is_accepted] : SocketsOnPort(b->port())) {
    int nodelay = 0;
    socklen_t len = sizeof(nodelay);
    ASSERT_EQ(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len), 0);
    EXPECT_EQ(nodelay, 1) << (is_accepted ? "accepted" : "dialed") << " socket " << fd;
    ++(is_accepted ? accepted : dialed);
  }
  EXPECT_GE(dialed, 1);
  EXPECT_GE(accepted, 1);
}

TYPED_TEST(TransportTest, ShutdownWhileStreamsAreBusyIsClean) {
  auto a = Start(Options<TypeParam>());
  auto b = Start(Options<TypeParam>());
  ASSERT_TRUE(a && b);
  const std::string a_address = Address(*a), b_address = Address(*b);
  Inbox a_inbox, b_inbox;
  ASSERT_TRUE(a->RegisterGroup("g", a_inbox.Handler()).ok());
  ASSERT_TRUE(b->RegisterGroup("g", b_inbox.Handler()).ok());
  std::atomic<bool> stop{false};
  std::vector<std::thread> senders;
  for (int i = 0; i < 2; ++i) {
    senders.emplace_back([&, i] {
      for (uint64_t n = 0; !stop.load(); ++n) {
        a->Send("g", b_address, Append("a", "b", n, 512));
        b->Send("g", a_address, Append("b", "a", n, 512));
        if (i == 0 && n % 64 == 0) std::this_thread::yield();
      }
    });
  }
  ASSERT_TRUE(a_inbox.WaitForMessages(1000));
  ASSERT_TRUE(b_inbox.WaitForMessages(1000));
  a->Shutdown();  // while both directions are streaming and senders keep sending
  b->Shutdown();
  stop = true;
  for (std::thread& t : senders) t.join();
  EXPECT_GT(a->stats().dropped_shutdown + b->stats().dropped_shutdown, 0u);
  const size_t received = b_inbox.size();
  a->Send("g", b_address, Heartbeat("a", "b", 1));  // after shutdown: dropped, no crash
  EXPECT_EQ(b_inbox.size(), received);
  EXPECT_TRUE(a->RegisterGroup("late", Inbox().Handler()).code() ==
              Status::Code::kFailedPrecondition);
}

TYPED_TEST(TransportTest, ShutdownWhileWriteIsBlockedByFlowControl) {
  auto a = Start(Options<TypeParam>());
  auto b = Start(Options<TypeParam>());
  ASSERT_TRUE(a && b);
  std::promise<void> entered;
  std::shared_future<void> release_future;
  std::promise<void> release;
  release_future = release.get_future().share();
  std::atomic<bool> first{true};
  ASSERT_TRUE(b->RegisterGroup("g", GroupHandler{[&](std::vector<Message>) {
                                                   if (first.exchange(false)) {
                                                     entered.set_value();
                                                     release_future.wait();
                                                   }
                                                 },
                                                 nullptr})
                  .ok());
  a->Send("g", Address(*b), Heartbeat("a", "b", 0));
  ASSERT_EQ(entered.get_future().wait_for(kTimeout), std::future_status::ready);
  // B's stream thread is stuck in the handler: 32 MiB fill every window and buffer between.
  for (int i = 0; i < 512; ++i) a->Send("g", Address(*b), Append("a", "b", i, 64 << 10));
  a->Shutdown();  // must not wait for B to read
  release.set_value();
  b->Shutdown();
}

TYPED_TEST(TransportTest, InvalidOptionsAreRejected) {
  auto o = Options<TypeParam>();
  o.cluster_id.clear();
  EXPECT_TRUE(TypeParam::Start(o).status().IsInvalidArgument());
  o = Options<TypeParam>();
  o.listen_address.clear();
  EXPECT_TRUE(TypeParam::Start(o).status().IsInvalidArgument());
  o = Options<TypeParam>();
  o.tls_cert_pem = "-----BEGIN CERTIFICATE-----\n";
  EXPECT_TRUE(TypeParam::Start(o).status().IsInvalidArgument()) << "cert without key";
  o = Options<TypeParam>();
  o.tls_ca_pem = "-----BEGIN CERTIFICATE-----\n";
  EXPECT_TRUE(TypeParam::Start(o).status().IsInvalidArgument()) << "CA without identity";
  o = Options<TypeParam>();
  o.tls_cert_pem = "not pem";
  o.tls_key_pem = "not pem";
  EXPECT_TRUE(TypeParam::Start(o).status().IsInvalidArgument());
}

TYPED_TEST(TransportTest, PortInUseIsUnavailable) {
  auto a = Start(Options<TypeParam>());
  ASSERT_TRUE(a);
  auto o = Options<TypeParam>();
  o.listen_address = Address(*a);
  EXPECT_TRUE(TypeParam::Start(o).status().IsUnavailable());
}

// --- TLS -------------------------------------------------------------------------------------

bool HaveOpenssl() { return std::system("openssl version > /dev/null 2>&1") == 0; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Identity {
  std::string cert;
  std::string key;
};

// A self-signed certificate for localhost / 127.0.0.1, made with the openssl tool.
Identity MakeSelfSigned(const testutil::TempDir& dir, const std::string& name) {
  const std::string key = dir.Sub(name + ".key"), cert = dir.Sub(name + ".crt");
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " > /dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return Identity{ReadFile(cert), ReadFile(key)};
}

GrpcTransportOptions TlsOptions(const Identity& id, const std::string& ca) {
  GrpcTransportOptions o = Options<GrpcTransport>();
  o.tls_cert_pem = id.cert;
  o.tls_key_pem = id.key;
  o.tls_ca_pem = ca;
  return o;
}

TEST(GrpcTransportTlsTest, MutualTlsWithSelfSignedCertificate) {
  if (!HaveOpenssl()) {
    GTEST_SKIP() << "the openssl command-line tool is not installed: cannot make a certificate";
  }
  testutil::TempDir dir;
  const Identity id = MakeSelfSigned(dir, "node");
  const Identity stranger = MakeSelfSigned(dir, "stranger");
  ASSERT_FALSE(id.cert.empty());

  auto a = Start(TlsOptions(id, id.cert));
  auto b = Start(TlsOptions(id, id.cert));
  ASSERT_TRUE(a && b);
  Inbox a_inbox, b_inbox;
  ASSERT_TRUE(a->RegisterGroup("g", a_inbox.Handler()).ok());
  ASSERT_TRUE(b->RegisterGroup("g", b_inbox.Handler()).ok());
  a->Send("g", "localhost:" + std::to_string(b->port()), Append("a", "b", 1, 1000));
  b->Send("g", Address(*a), Heartbeat("b", "a", 2));
  ASSERT_TRUE(b_inbox.WaitForMessages(1));
  ASSERT_TRUE(a_inbox.WaitForMessages(1));
  EXPECT_EQ(b_inbox.messages()[0].entries[0].bytes(), std::string(1000, 'p'));

  // A plaintext peer cannot talk to a TLS server.
  auto plain = Start(Options<GrpcTransport>());
  ASSERT_TRUE(plain);
  Inbox plain_inbox;
  ASSERT_TRUE(plain->RegisterGroup("g", plain_inbox.Handler()).ok());
  plain->Send("g", Address(*b), Heartbeat("plain", "b", 3));
  ASSERT_TRUE(plain_inbox.WaitForUnreachable(1));

  // Nor a TLS peer whose certificate B's CA did not sign (and which does not trust B's).
  auto other = Start(TlsOptions(stranger, stranger.cert));
  ASSERT_TRUE(other);
  Inbox other_inbox;
  ASSERT_TRUE(other->RegisterGroup("g", other_inbox.Handler()).ok());
  other->Send("g", Address(*b), Heartbeat("other", "b", 4));
  ASSERT_TRUE(other_inbox.WaitForUnreachable(1));

  EXPECT_EQ(b_inbox.size(), 1u);
}

}  // namespace
}  // namespace ozone::raft
