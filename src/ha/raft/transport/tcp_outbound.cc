#include "ha/raft/transport/tcp_outbound.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

#include "ha/raft/transport/raft_wire_codec.h"
#include "raft_wire.pb.h"

namespace ozone::raft {

namespace {
constexpr auto kRepeatLogInterval = std::chrono::seconds(30);
// The acceptor's answer is a few dozen bytes; anything longer is not a raft transport.
constexpr size_t kMaxAnswerBytes = 64 << 10;
constexpr uint32_t kReadEvents = EPOLLIN | EPOLLRDHUP;
}  // namespace

namespace {
thread_local SendScope* t_send_scope = nullptr;
}  // namespace

SendScope::SendScope() : previous_(t_send_scope) { t_send_scope = this; }

SendScope::~SendScope() {
  t_send_scope = previous_;
  Flush();
}

void SendScope::Flush() {
  std::vector<TcpOutbound*> deferred;
  deferred.swap(deferred_);
  for (TcpOutbound* outbound : deferred) outbound->FlushDeferred();
}

SendScope* SendScope::Current() { return t_send_scope; }

void SendScope::Defer(TcpOutbound* outbound) {
  if (std::find(deferred_.begin(), deferred_.end(), outbound) == deferred_.end()) {
    deferred_.push_back(outbound);
  }
}

TcpOutbound::TcpOutbound(std::string address, const TcpOutboundConfig* config, EventLoop* loop,
                         Resolver* resolver, GroupRegistry* registry, TransportCounters* counters)
    : address_(std::move(address)),
      config_(config),
      loop_(loop),
      resolver_(resolver),
      registry_(registry),
      counters_(counters),
      reader_(kMaxAnswerBytes),
      backoff_(config->initial_backoff, config->max_backoff, std::hash<std::string>{}(address_)) {}

TcpOutbound::~TcpOutbound() { CloseAfterStop(); }

// --- any thread --------------------------------------------------------------------------------

void TcpOutbound::Enqueue(const GroupId& group, Message message) {
  const size_t bytes = message.ByteSize() + group.size();
  std::unique_lock lock(mu_);
  if (stopping_) {
    TransportCounters::Add(counters_->dropped_shutdown, 1);
    return;
  }
  if (!queue_.empty() && queued_bytes_ + bytes > config_->max_queue_bytes) {
    TransportCounters::Add(counters_->dropped_queue_full, 1);
    overflowed_.emplace(group, message.to);
    if (!overflow_report_posted_) {
      overflow_report_posted_ = true;  // the report runs on the loop, never inside Send
      loop_->Post([this] { ReportOverflowTask(); });
    }
    return;
  }
  queued_bytes_ += bytes;
  queue_.push_back(Queued{group, std::move(message), bytes});
  if (state_ == State::kConnected) {
    if (!out_.empty()) return;  // a write is pending: the loop takes the queue when writable
    if (SendScope* scope = SendScope::Current()) {
      scope->Defer(this);  // written with the rest of the scope's sends
      return;
    }
    // Idle connection: encode and write from this thread.
    FlushOrCloseLocked();
  } else if (state_ == State::kIdle && !connect_posted_) {
    connect_posted_ = true;
    loop_->Post([this] { StartConnectTask(); });
  }
}

void TcpOutbound::FlushDeferred() {
  std::lock_guard lock(mu_);
  if (stopping_ || state_ != State::kConnected || !out_.empty() || queue_.empty()) return;
  FlushOrCloseLocked();
}

void TcpOutbound::FlushOrCloseLocked() {
  if (FlushLocked()) return;
  // Not on the loop (or not this outbound's): the loop closes and reports.
  state_ = State::kClosing;
  closing_status_ = Status::FromErrno("writing to " + address_, write_errno_);
  loop_->Post([this, attempt = attempt_] { OnBrokenTask(attempt); });
}

void TcpOutbound::Stop() {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  stopping_ = true;
  size_t dropped = queue_.size();
  for (const PendingFrame& f : frames_) dropped += f.messages;
  queue_.clear();
  queued_bytes_ = 0;
  frames_.clear();
  out_.Clear();
  overflowed_.clear();
  TransportCounters::Add(counters_->dropped_shutdown, dropped);
}

void TcpOutbound::CloseAfterStop() {
  std::lock_guard lock(mu_);
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  token_ = 0;
}

void TcpOutbound::TakeBatchLocked() {
  size_t bytes = 0;
  batch_.clear();
  while (!queue_.empty()) {
    Queued& next = queue_.front();
    if (!batch_.empty() && bytes + next.bytes > config_->max_batch_bytes) break;
    bytes += next.bytes;
    queued_bytes_ -= next.bytes;
    batch_.push_back(std::move(next));
    queue_.pop_front();
  }
  PendingFrame frame;
  frame.messages = batch_.size();
  grouped_.clear();
  for (const Queued& q : batch_) {
    grouped_.push_back(GroupedMessage{&q.group, &q.message});
    const bool known_peer = std::any_of(
        frame.peers.rbegin(), frame.peers.rend(),
        [&](const PeerKey& k) { return k.second == q.message.to && k.first == q.group; });
    if (!known_peer) frame.peers.emplace_back(q.group, q.message.to);
  }
  frame.bytes_left = AppendBatchFrame(grouped_, &out_);
  frames_.push_back(std::move(frame));
  grouped_.clear();
  batch_.clear();  // the frame holds copies of small payloads and references to large ones
}

bool TcpOutbound::FlushLocked() {
  for (;;) {
    // What queued behind a pending write leaves with its rest, in one writev.
    if (!queue_.empty() && out_.size() < config_->max_batch_bytes) TakeBatchLocked();
    if (!WriteLocked()) return false;
    if (!out_.empty() || queue_.empty()) return true;  // the socket is full, or all is written
  }
}

bool TcpOutbound::WriteLocked() {
  const ssize_t written = WriteSome(fd_, &out_);
  if (written < 0) {
    write_errno_ = errno;
    return false;
  }
  size_t n = static_cast<size_t>(written);
  while (n > 0 && !frames_.empty()) {
    PendingFrame& f = frames_.front();
    const size_t take = std::min(n, f.bytes_left);
    f.bytes_left -= take;
    n -= take;
    if (f.bytes_left == 0) {
      if (f.messages > 0) {
        TransportCounters::Add(counters_->batches_sent, 1);
        TransportCounters::Add(counters_->messages_sent, f.messages);
      }
      frames_.pop_front();
    }
  }
  SetWantWriteLocked(!out_.empty());
  return true;
}

void TcpOutbound::SetWantWriteLocked(bool want) {
  if (want == want_write_ || fd_ < 0) return;
  want_write_ = want;
  loop_->Modify(fd_, token_, kReadEvents | (want ? uint32_t{EPOLLOUT} : 0));
}

// --- event loop ----------------------------------------------------------------------------------

void TcpOutbound::Finish(std::unique_lock<std::mutex>& lock, Aftermath& after) {
  lock.unlock();
  for (const auto& [group, peer] : after.unreachable) registry_->ReportUnreachable(group, peer);
  if (!after.connected_log.empty()) {
    if (after.failures > 0) {
      spdlog::info("raft transport: connected to {} after {} failed attempts", address_,
                   after.failures);
    } else {
      spdlog::debug("raft transport: connected to {}", address_);
    }
  }
  if (!after.failure.ok()) {
    const auto level = !after.log_failure ? spdlog::level::debug
                       : !after.news      ? spdlog::level::debug
                       : after.failure.code() == Status::Code::kFailedPrecondition
                           ? spdlog::level::err
                           : spdlog::level::warn;
    spdlog::log(level, "raft transport: {} unreachable ({}); retrying in {} ms (failure {})",
                address_, after.failure.ToString(), after.retry_in.count(), after.failures);
  }
}

void TcpOutbound::ReportOverflowTask() {
  std::unique_lock lock(mu_);
  overflow_report_posted_ = false;
  Aftermath after;
  if (!stopping_) after.unreachable.assign(overflowed_.begin(), overflowed_.end());
  overflowed_.clear();
  Finish(lock, after);
}

void TcpOutbound::StartConnectTask() {
  std::unique_lock lock(mu_);
  connect_posted_ = false;
  if (stopping_ || state_ != State::kIdle || queue_.empty()) return;
  Aftermath after;
  StartConnectLocked(&after);
  Finish(lock, after);
}

void TcpOutbound::StartConnectLocked(Aftermath* after) {
  state_ = State::kResolving;
  const uint64_t attempt = ++attempt_;
  loop_->RunAfter(config_->connect_timeout, [this, attempt] { OnConnectTimeout(attempt); });
  Result<HostAndPort> hp = SplitHostPort(address_, /*allow_zero=*/false);
  if (!hp.ok()) {
    FailLocked(hp.status(), after);
    return;
  }
  if (std::optional<SocketAddress> numeric = NumericAddress(hp->host, hp->port)) {
    addresses_ = {*numeric};
    next_address_ = 0;
    last_connect_error_.clear();
    ConnectNextLocked(after);
    return;
  }
  resolver_->Resolve(hp->host, hp->port, [this, attempt](Result<std::vector<SocketAddress>> r) {
    loop_->Post([this, attempt, r = std::move(r)]() mutable { OnResolved(attempt, std::move(r)); });
  });
}

void TcpOutbound::OnResolved(uint64_t attempt, Result<std::vector<SocketAddress>> addresses) {
  std::unique_lock lock(mu_);
  if (stopping_ || attempt != attempt_ || state_ != State::kResolving) return;
  Aftermath after;
  if (!addresses.ok()) {
    FailLocked(addresses.status().WithContext("cannot connect to " + address_), &after);
  } else {
    addresses_ = std::move(addresses).value();
    next_address_ = 0;
    last_connect_error_.clear();
    ConnectNextLocked(&after);
  }
  Finish(lock, after);
}

void TcpOutbound::ConnectNextLocked(Aftermath* after) {
  while (next_address_ < addresses_.size()) {
    const SocketAddress& a = addresses_[next_address_++];
    const int fd = socket(a.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      last_connect_error_ = std::strerror(errno);
      continue;
    }
    ConfigureSocket(fd, config_->keepalive);
    if (connect(fd, a.get(), a.length) != 0 && errno != EINPROGRESS) {
      last_connect_error_ = a.ToString() + ": " + std::strerror(errno);
      close(fd);
      continue;
    }
    const uint64_t token = loop_->Add(fd, EPOLLOUT, this);
    if (token == 0) {
      last_connect_error_ = std::strerror(errno);
      close(fd);
      continue;
    }
    fd_ = fd;
    token_ = token;
    want_write_ = true;
    state_ = State::kConnecting;
    return;
  }
  state_ = State::kConnecting;  // the attempt fails as a connection failure
  FailLocked(
      Status::Unavailable("cannot connect to " + address_ + ": " +
                          (last_connect_error_.empty() ? "no address" : last_connect_error_)),
      after);
}

void TcpOutbound::OnConnectTimeout(uint64_t attempt) {
  std::unique_lock lock(mu_);
  if (stopping_ || attempt != attempt_ || !AttemptInProgressLocked()) return;
  Aftermath after;
  FailLocked(Status::Timeout("no connection to " + address_ + " within " +
                             std::to_string(config_->connect_timeout.count()) + " ms"),
             &after);
  Finish(lock, after);
}

void TcpOutbound::OnBackoffDone(uint64_t attempt) {
  std::unique_lock lock(mu_);
  if (stopping_ || attempt != attempt_ || state_ != State::kBackoff) return;
  state_ = State::kIdle;
  if (queue_.empty()) return;
  Aftermath after;
  StartConnectLocked(&after);
  Finish(lock, after);
}

void TcpOutbound::OnBrokenTask(uint64_t attempt) {
  std::unique_lock lock(mu_);
  if (stopping_ || attempt != attempt_ || state_ != State::kClosing) return;
  Aftermath after;
  FailLocked(closing_status_, &after);
  Finish(lock, after);
}

void TcpOutbound::OnEvents(uint32_t events) {
  std::unique_lock lock(mu_);
  if (stopping_ || fd_ < 0) return;
  Aftermath after;
  switch (state_) {
    case State::kConnecting: {
      int err = 0;
      socklen_t len = sizeof(err);
      if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (err == 0 && (events & (EPOLLERR | EPOLLHUP)) != 0) err = ECONNREFUSED;
      if (err != 0) {
        last_connect_error_ = addresses_[next_address_ - 1].ToString() + ": " + std::strerror(err);
        CloseSocketLocked();
        ConnectNextLocked(&after);
        break;
      }
      // TCP is up: the preamble and the Hello, then wait for the answer.
      state_ = State::kHandshake;
      wire::ClientFrame hello_frame;
      wire::Hello* hello = hello_frame.mutable_hello();
      hello->set_protocol_version(kRaftWireProtocolVersion);
      hello->set_cluster_id(config_->cluster_id);
      hello->set_sender_address(config_->sender_address);
      out_.Append(TcpPreamble());
      AppendProtoFrame(hello_frame.SerializeAsString(), &out_);
      frames_.push_back(PendingFrame{out_.size(), 0, {}});
      reader_ = FrameReader(kMaxAnswerBytes);
      if (!WriteLocked()) {
        FailLocked(Status::FromErrno("cannot connect to " + address_, write_errno_), &after);
      } else if (!want_write_) {
        loop_->Modify(fd_, token_, kReadEvents);
      }
      break;
    }
    case State::kHandshake:
      if ((events & EPOLLOUT) != 0 && !WriteLocked()) {
        FailLocked(Status::FromErrno("cannot connect to " + address_, write_errno_), &after);
        break;
      }
      if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0) OnHandshakeReadable(&after);
      break;
    case State::kConnected:
    case State::kClosing:
      OnConnectedEvents(events, &after);
      break;
    default:
      break;
  }
  Finish(lock, after);
}

void TcpOutbound::OnHandshakeReadable(Aftermath* after) {
  int error = 0;
  bool ended = false;
  for (;;) {
    std::span<char> space = reader_.WritableSpace(256);
    const ssize_t n = ReadSome(fd_, space.data(), space.size());
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) {
      ended = true;
      error = n < 0 ? errno : 0;
      break;
    }
    reader_.Commit(static_cast<size_t>(n));
  }
  std::string_view body;
  const FrameReader::Next next = reader_.NextFrame(&body);
  if (next == FrameReader::Next::kNeedMore) {
    // The answer (a refusal is followed by the end of the stream) is read before the end counts.
    if (ended) {
      FailLocked(error == 0 ? Status::Unavailable("cannot connect to " + address_ +
                                                  ": the connection ended during the handshake")
                            : Status::FromErrno("cannot connect to " + address_, error),
                 after);
    }
    return;
  }
  wire::ServerFrame answer;
  if (next == FrameReader::Next::kTooLarge || !answer.ParseFromArray(body.data(), body.size()) ||
      reader_.buffered() != 0) {
    FailLocked(Status::FailedPrecondition("raft transport: " + address_ +
                                          " does not speak the raft TCP transport (version " +
                                          std::to_string(kTcpFramingVersion) + ")"),
               after);
    return;
  }
  if (!answer.refusal().empty()) {
    TransportCounters::Add(counters_->handshake_rejections, 1);
    FailLocked(
        Status::FailedPrecondition(address_ + " refused the connection: " + answer.refusal()),
        after);
    return;
  }
  if (!answer.has_hello_ack() ||
      answer.hello_ack().protocol_version() != kRaftWireProtocolVersion) {
    FailLocked(Status::FailedPrecondition("raft transport: " + address_ +
                                          " does not speak raft wire protocol version " +
                                          std::to_string(kRaftWireProtocolVersion)),
               after);
    return;
  }
  state_ = State::kConnected;
  TransportCounters::Add(counters_->connects, 1);
  after->failures = failures_;
  after->connected_log = "connected";
  failures_ = 0;
  last_error_.clear();
  backoff_.Reset();
  if (!queue_.empty() && out_.empty() && !FlushLocked()) {
    FailLocked(Status::FromErrno("writing to " + address_, write_errno_), after);
  }
}

void TcpOutbound::OnConnectedEvents(uint32_t events, Aftermath* after) {
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0) {
    // The acceptor sends nothing after its answer: data is a protocol error, the end of the
    // stream or an error means the connection is gone.
    char byte;
    const ssize_t n = ReadSome(fd_, &byte, 1);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
      FailLocked(n == 0 ? Status::Unavailable("connection closed by the peer")
                        : Status::FromErrno("connection to " + address_, errno),
                 after);
      return;
    }
    if (n > 0) {
      FailLocked(Status::Corruption("raft transport: " + address_ + " sent data after its answer"),
                 after);
      return;
    }
  }
  if (state_ == State::kClosing) {
    FailLocked(closing_status_, after);
    return;
  }
  if ((events & EPOLLOUT) != 0 && !FlushLocked()) {
    FailLocked(Status::FromErrno("writing to " + address_, write_errno_), after);
  }
}

void TcpOutbound::CloseSocketLocked() {
  if (fd_ < 0) return;
  loop_->Remove(fd_, token_);
  close(fd_);
  fd_ = -1;
  token_ = 0;
  want_write_ = false;
}

void TcpOutbound::FailLocked(Status why, Aftermath* after) {
  const bool attempt_failed = AttemptInProgressLocked();
  CloseSocketLocked();
  // Frames not fully handed to the kernel: lost (they may have partly arrived; nothing is sent
  // twice). For a failed attempt this is only the Hello.
  std::set<PeerKey> peers;
  size_t dropped = 0;
  for (const PendingFrame& f : frames_) {
    dropped += f.messages;
    peers.insert(f.peers.begin(), f.peers.end());
  }
  frames_.clear();
  out_.Clear();
  if (!attempt_failed) {
    // A connection that worked broke: reconnect at once if work is queued (no backoff).
    state_ = State::kIdle;
    after->failure = why;
    after->log_failure = false;
    if (!queue_.empty()) StartConnectLocked(after);
  } else {
    TransportCounters::Add(counters_->connect_failures, 1);
    // Raft retransmits; messages queued while the destination was unreachable are stale.
    for (const Queued& q : queue_) peers.emplace(q.group, q.message.to);
    dropped += queue_.size();
    queue_.clear();
    queued_bytes_ = 0;
    ++failures_;
    after->retry_in = backoff_.Next();
    after->failures = failures_;
    after->failure = why;
    after->log_failure = true;
    const auto now = std::chrono::steady_clock::now();
    const std::string text = why.ToString();
    after->news = text != last_error_ || now - last_error_time_ >= kRepeatLogInterval;
    if (after->news) {
      last_error_ = text;
      last_error_time_ = now;
    }
    state_ = State::kBackoff;
    loop_->RunAfter(after->retry_in, [this, attempt = attempt_] { OnBackoffDone(attempt); });
  }
  if (dropped > 0) {
    TransportCounters::Add(counters_->dropped_unreachable, dropped);
    after->unreachable.insert(after->unreachable.end(), peers.begin(), peers.end());
  }
}

}  // namespace ozone::raft
