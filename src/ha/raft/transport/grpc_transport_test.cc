#include "ha/raft/transport/grpc_transport.h"

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
#include <vector>

#include "tests/testutil/subprocess.h"

namespace ozone::raft {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kTimeout{10000};

// Collects what a group's handler receives.
class Inbox {
 public:
  GroupHandler Handler() {
    return GroupHandler{[this](std::vector<Message> batch) {
                          std::lock_guard lock(mu_);
                          ++batches_;
                          for (Message& m : batch) messages_.push_back(std::move(m));
                          cv_.notify_all();
                        },
                        [this](const PeerId& peer) {
                          std::lock_guard lock(mu_);
                          unreachable_.push_back(peer);
                          cv_.notify_all();
                        }};
  }

  bool WaitForMessages(size_t n, milliseconds timeout = kTimeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
  }
  // Waits until a message with `context` arrived.
  bool WaitForContext(uint64_t context, milliseconds timeout = kTimeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout,
                        [&] { return !messages_.empty() && messages_.back().context == context; });
  }
  bool WaitForUnreachable(size_t n, milliseconds timeout = kTimeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return unreachable_.size() >= n; });
  }
  std::vector<Message> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  std::vector<PeerId> unreachable() {
    std::lock_guard lock(mu_);
    return unreachable_;
  }
  size_t size() {
    std::lock_guard lock(mu_);
    return messages_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Message> messages_;
  std::vector<PeerId> unreachable_;
  size_t batches_ = 0;
};

Message Heartbeat(const PeerId& from, const PeerId& to, uint64_t context) {
  Message m;
  m.type = MessageType::kHeartbeat;
  m.from = from;
  m.to = to;
  m.term = Term(3);
  m.commit = LogIndex(10);
  m.context = context;
  return m;
}

Message Append(const PeerId& from, const PeerId& to, uint64_t context, size_t payload_bytes) {
  Message m;
  m.type = MessageType::kAppend;
  m.from = from;
  m.to = to;
  m.term = Term(3);
  m.context = context;
  m.entries.push_back(Entry{Term(3), LogIndex(context + 1), EntryType::kNormal,
                            MakePayload(std::string(payload_bytes, 'p'))});
  return m;
}

GrpcTransportOptions Options(const std::string& cluster_id = "cluster-1") {
  GrpcTransportOptions o;
  o.listen_address = "127.0.0.1:0";
  o.cluster_id = cluster_id;
  // Slow machines (valgrind) may take seconds for a first connection; a timeout would drop the
  // message the test waits for. Tests of the timeout set their own.
  o.connect_timeout = milliseconds(30000);
  return o;
}

std::unique_ptr<GrpcTransport> Start(GrpcTransportOptions options) {
  Result<std::unique_ptr<GrpcTransport>> t = GrpcTransport::Start(std::move(options));
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? std::move(t).value() : nullptr;
}

std::string Address(const GrpcTransport& t) { return "127.0.0.1:" + std::to_string(t.port()); }

// A port on 127.0.0.1 with nothing listening (bound once, then released).
int UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// A TCP listener that never accepts: connections complete in the kernel and then hang.
class Blackhole {
 public:
  Blackhole() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(fd_, 16), 0);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~Blackhole() { close(fd_); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Captures log lines for the test's lifetime (installed before any transport exists).
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256)) {
    previous_ = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>(
        "capture",
        spdlog::sinks_init_list{sink_, std::make_shared<spdlog::sinks::stderr_sink_mt>()});
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  bool Contains(const std::string& text) const {
    for (const std::string& line : sink_->last_formatted()) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(GrpcTransportTest, TwoTransportsExchangeMessagesForTwoGroups) {
  auto a = Start(Options());
  auto b = Start(Options());
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

TEST(GrpcTransportTest, HandlersMayReplyFromTheTransportThread) {
  auto a = Start(Options());
  auto b = Start(Options());
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

TEST(GrpcTransportTest, BatchesUnderLoadArriveInOrderPerSender) {
  auto a = Start(Options());
  auto c = Start(Options());
  auto b = Start(Options());
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
  EXPECT_LT(stats.batches_received, 2 * kPerSender / 10) << "messages were not batched";
  EXPECT_EQ(a->stats().dropped_queue_full, 0u);  // (messages_sent may lag: counted after Write)
}

TEST(GrpcTransportTest, UnreachableDestinationIsReportedPerPeer) {
  auto a = Start(Options());
  ASSERT_TRUE(a);
  Inbox inbox;
  ASSERT_TRUE(a->RegisterGroup("g", inbox.Handler()).ok());
  a->Send("g", "127.0.0.1:" + std::to_string(UnusedPort()), Heartbeat("a", "nobody", 1));
  ASSERT_TRUE(inbox.WaitForUnreachable(1));
  EXPECT_EQ(inbox.unreachable()[0], "nobody");
  EXPECT_GE(a->stats().dropped_unreachable, 1u);
  EXPECT_GE(a->stats().connect_failures, 1u);
}

TEST(GrpcTransportTest, DestinationDownThenUpReconnects) {
  auto a = Start(Options());
  auto b = Start(Options());
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
  GrpcTransportOptions options = Options();
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

TEST(GrpcTransportTest, ClusterIdMismatchIsRefused) {
  LogCapture logs;
  auto a = Start(Options("cluster-a"));
  auto b = Start(Options("cluster-b"));
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

TEST(GrpcTransportTest, MessagesForUnknownGroupsAreDropped) {
  LogCapture logs;
  auto a = Start(Options());
  auto b = Start(Options());
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

TEST(GrpcTransportTest, UnregisteredGroupStopsReceiving) {
  auto a = Start(Options());
  auto b = Start(Options());
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

TEST(GrpcTransportTest, FullQueueDropsInsteadOfBlocking) {
  Blackhole blackhole;  // the sender hangs in its handshake; nothing leaves the queue
  GrpcTransportOptions options = Options();
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

TEST(GrpcTransportTest, ConnectTimeoutReportsUnreachable) {
  Blackhole blackhole;
  GrpcTransportOptions options = Options();
  options.connect_timeout = milliseconds(200);
  auto a = Start(options);
  ASSERT_TRUE(a);
  Inbox inbox;
  ASSERT_TRUE(a->RegisterGroup("g", inbox.Handler()).ok());
  a->Send("g", blackhole.address(), Heartbeat("a", "b", 1));
  ASSERT_TRUE(inbox.WaitForUnreachable(1));
  EXPECT_EQ(a->stats().connect_failures, 1u);
}

TEST(GrpcTransportTest, HostNameLocalhostIsResolved) {
  auto a = Start(Options());
  auto b = Start(Options());
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

TEST(GrpcTransportTest, TcpNoDelayOnBothEnds) {
  auto a = Start(Options());
  auto b = Start(Options());
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

TEST(GrpcTransportTest, ShutdownWhileStreamsAreBusyIsClean) {
  auto a = Start(Options());
  auto b = Start(Options());
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

TEST(GrpcTransportTest, ShutdownWhileWriteIsBlockedByFlowControl) {
  auto a = Start(Options());
  auto b = Start(Options());
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

TEST(GrpcTransportTest, InvalidOptionsAreRejected) {
  GrpcTransportOptions o = Options();
  o.cluster_id.clear();
  EXPECT_TRUE(GrpcTransport::Start(o).status().IsInvalidArgument());
  o = Options();
  o.listen_address.clear();
  EXPECT_TRUE(GrpcTransport::Start(o).status().IsInvalidArgument());
  o = Options();
  o.tls_cert_pem = "-----BEGIN CERTIFICATE-----\n";
  EXPECT_TRUE(GrpcTransport::Start(o).status().IsInvalidArgument()) << "cert without key";
  o = Options();
  o.tls_ca_pem = "-----BEGIN CERTIFICATE-----\n";
  EXPECT_TRUE(GrpcTransport::Start(o).status().IsInvalidArgument()) << "CA without identity";
  o = Options();
  o.tls_cert_pem = "not pem";
  o.tls_key_pem = "not pem";
  EXPECT_TRUE(GrpcTransport::Start(o).status().IsInvalidArgument());
}

TEST(GrpcTransportTest, PortInUseIsUnavailable) {
  auto a = Start(Options());
  ASSERT_TRUE(a);
  GrpcTransportOptions o = Options();
  o.listen_address = Address(*a);
  EXPECT_TRUE(GrpcTransport::Start(o).status().IsUnavailable());
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
  GrpcTransportOptions o = Options();
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
  auto plain = Start(Options());
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
