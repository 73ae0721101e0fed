// Helpers of the transport tests (transport_test.cc, tcp_transport_test.cc): an inbox per group,
// sample messages, sockets that refuse or hang, a log capture.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ha/raft/message.h"
#include "ha/raft/transport/transport.h"

namespace ozone::raft::transport_test {

using std::chrono::milliseconds;
inline constexpr milliseconds kTimeout{10000};

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

inline Message Heartbeat(const PeerId& from, const PeerId& to, uint64_t context) {
  Message m;
  m.type = MessageType::kHeartbeat;
  m.from = from;
  m.to = to;
  m.term = Term(3);
  m.commit = LogIndex(10);
  m.context = context;
  return m;
}

inline Message Append(const PeerId& from, const PeerId& to, uint64_t context,
                      size_t payload_bytes) {
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

// A port on 127.0.0.1 with nothing listening (bound once, then released).
inline int UnusedPort() {
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

}  // namespace ozone::raft::transport_test
