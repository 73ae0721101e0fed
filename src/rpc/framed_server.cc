#include "rpc/framed_server.h"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "common/thread_name.h"
#include "rpc.pb.h"
#include "rpc/framed_wire.h"
#include "rpc/grpc_status.h"

namespace ozone::rpc {

namespace {
// How long an accepted connection may take to send its first bytes.
constexpr std::chrono::milliseconds kSniffTimeout{10000};
}  // namespace

// One accepted socket: its descriptors, the replies waiting to be written, and who writes.
class FramedConnection {
 public:
  FramedConnection(int fd, int wake_fd) : fd_(fd), wake_fd_(wake_fd) {}
  ~FramedConnection() {
    if (fd_ >= 0) close(fd_);
    close(wake_fd_);
  }

  int fd() const { return fd_; }
  int wake_fd() const { return wake_fd_; }
  // The socket goes to someone else (gRPC); only the connection's thread, before serving.
  int ReleaseFd() { return std::exchange(fd_, -1); }

  // Queues the answer to call `id` and writes what is queued unless someone else does, or, if
  // `defer`, leaves it to FlushDeferred; returns true if the caller must call FlushDeferred (the
  // first deferred answer since the last one).
  bool Settle(uint64_t id, std::string* response, const Status& status,
              const std::optional<LeaderHint>& leader, bool defer) {
    std::unique_lock<std::mutex> l(mu_);
    if (closed_) return false;
    StreamedReply* r = queued_.add_replies();
    r->set_callid(id);
    if (response != nullptr) {
      r->mutable_response()->swap(*response);
    } else {
      const grpc::Status g = ToGrpc(status);
      r->set_errorcode(static_cast<int32_t>(g.error_code()));
      r->set_errormessage(g.error_message());
      if (leader && !leader->address.empty()) {
        r->set_leaderaddress(leader->address);
        if (!leader->node_id.empty()) r->set_leaderid(leader->node_id);
      }
    }
    if (defer) return !std::exchange(deferred_, true);
    FlushLocked(l);
    return false;
  }
  // Writes what deferred answers left queued.
  void FlushDeferred() { ClearAndFlush(&FramedConnection::deferred_); }

  // A batch of calls is being handed out: their answers wait for its end.
  void BeginBatch() {
    std::lock_guard<std::mutex> l(mu_);
    in_batch_ = true;
  }
  void EndBatch() { ClearAndFlush(&FramedConnection::in_batch_); }
  // The socket can take more: write what waits.
  void OnWritable() { ClearAndFlush(&FramedConnection::blocked_); }
  bool blocked() {
    std::lock_guard<std::mutex> l(mu_);
    return blocked_;
  }
  // Ends the connection: nothing more is written; the thread is woken to leave.
  void Close() {
    std::lock_guard<std::mutex> l(mu_);
    CloseLocked();
    Wake();
  }
  bool closed() {
    std::lock_guard<std::mutex> l(mu_);
    return closed_;
  }
  // Waits up to `timeout_ms` (-1: no limit) for `events` on the socket or a wake-up; returns the
  // socket's revents (0 for a wake-up or the timeout), or -1 if poll failed.
  int Wait(short events, int timeout_ms) {
    pollfd p[2] = {{fd_, events, 0}, {wake_fd_, POLLIN, 0}};
    const int rc = poll(p, 2, timeout_ms);
    if (rc < 0) return errno == EINTR ? 0 : -1;
    if ((p[1].revents & POLLIN) != 0) {
      uint64_t n;
      [[maybe_unused]] ssize_t r = read(wake_fd_, &n, sizeof(n));
    }
    return p[0].revents;
  }
  void Wake() {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t w = write(wake_fd_, &one, sizeof(one));
  }

 private:
  void CloseLocked() {
    if (closed_) return;
    closed_ = true;
    queued_.Clear();
    if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
  }

  // Clears what held the queued replies back (one of the flags below), then writes them.
  void ClearAndFlush(bool FramedConnection::*held_by) {
    std::unique_lock<std::mutex> l(mu_);
    this->*held_by = false;
    FlushLocked(l);
  }

  // Writes the queued replies as frames until none is left or the socket is full, unless a
  // write is in progress elsewhere (it takes them), a batch is being handed out, or the socket
  // is full (the connection's thread writes once it drains).
  void FlushLocked(std::unique_lock<std::mutex>& l) {
    if (flushing_ || blocked_ || in_batch_ || closed_) return;
    flushing_ = true;
    for (;;) {
      if (out_offset_ == out_.size()) {
        out_.clear();
        out_offset_ = 0;
      }
      if (queued_.replies_size() > 0) {
        AppendFrame(queued_, &out_);
        queued_.Clear();
      }
      if (out_offset_ == out_.size()) break;
      l.unlock();
      const ssize_t w = send(fd_, out_.data() + out_offset_, out_.size() - out_offset_,
                             MSG_NOSIGNAL | MSG_DONTWAIT);
      const int err = errno;
      l.lock();
      if (w > 0) {
        out_offset_ += static_cast<size_t>(w);
      } else if (w < 0 && err == EINTR) {
        continue;
      } else if (w < 0 && (err == EAGAIN || err == EWOULDBLOCK)) {
        blocked_ = true;
        Wake();  // the thread polls for POLLOUT
        break;
      } else {
        CloseLocked();
        Wake();
        break;
      }
    }
    flushing_ = false;
  }

  int fd_;
  const int wake_fd_;
  std::mutex mu_;
  StreamedReplies queued_;  // guarded by mu_: answered, not written yet
  std::string out_;         // written by the flusher (flushing_ or blocked_)
  size_t out_offset_ = 0;
  bool flushing_ = false;  // guarded by mu_: a thread writes out_
  bool blocked_ = false;   // guarded by mu_: the socket is full, the connection's thread waits
  bool in_batch_ = false;  // guarded by mu_
  bool deferred_ = false;  // guarded by mu_: a reply batch will flush
  bool closed_ = false;    // guarded by mu_
};

namespace {

// This thread's reply batch: its depth and the connections it must flush at the end.
struct ReplyBatch {
  int depth = 0;
  std::vector<std::shared_ptr<FramedConnection>> to_flush;
};
thread_local ReplyBatch tl_reply_batch;

void SettleAnswer(std::shared_ptr<FramedConnection> c, uint64_t id, std::string* response,
                  const Status& status, const std::optional<LeaderHint>& leader) {
  ReplyBatch& batch = tl_reply_batch;
  if (c->Settle(id, response, status, leader, /*defer=*/batch.depth > 0)) {
    batch.to_flush.push_back(std::move(c));
  }
}

}  // namespace

void BeginFramedReplyBatch() { ++tl_reply_batch.depth; }

void EndFramedReplyBatch() {
  ReplyBatch& batch = tl_reply_batch;
  if (batch.depth == 0 || --batch.depth > 0) return;
  std::vector<std::shared_ptr<FramedConnection>> to_flush;
  to_flush.swap(batch.to_flush);
  for (auto& c : to_flush) c->FlushDeferred();
}

bool InFramedReplyBatch() { return tl_reply_batch.depth > 0; }

FramedAnswer::~FramedAnswer() {
  if (connection_ != nullptr) Fail(Status::Internal("call not answered"));
}

void FramedAnswer::Reply(std::string response) {
  SettleAnswer(std::exchange(connection_, nullptr), call_id_, &response, Status::OK(),
               std::nullopt);
}

void FramedAnswer::Fail(const Status& status, const std::optional<LeaderHint>& leader) {
  SettleAnswer(std::exchange(connection_, nullptr), call_id_, nullptr, status, leader);
}

struct FramedCallServer::Slot {
  std::shared_ptr<FramedConnection> connection;
  std::thread thread;
  std::atomic<bool> done{false};
};

FramedCallServer::FramedCallServer(std::string name, Handler handler)
    : name_(std::move(name)), handler_(std::move(handler)) {}

FramedCallServer::~FramedCallServer() { Stop(); }

uint64_t FramedCallServer::framed_connections() const {
  std::lock_guard<std::mutex> l(mu_);
  return framed_connections_;
}

void FramedCallServer::Adopt(int fd, Other other) {
  std::lock_guard<std::mutex> l(mu_);
  ReapLocked();
  const int wake_fd = stopped_ ? -1 : eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) {
    close(fd);
    return;
  }
  auto slot = std::make_unique<Slot>();
  slot->connection = std::make_shared<FramedConnection>(fd, wake_fd);
  Slot* raw = slot.get();
  slot->thread = std::thread([this, raw, other = std::move(other)] { Serve(raw, other); });
  slots_.push_back(std::move(slot));
}

void FramedCallServer::ReapLocked() {
  for (auto it = slots_.begin(); it != slots_.end();) {
    if ((*it)->done.load()) {
      (*it)->thread.join();
      it = slots_.erase(it);
    } else {
      ++it;
    }
  }
}

void FramedCallServer::Stop() {
  std::vector<std::unique_ptr<Slot>> slots;
  {
    std::lock_guard<std::mutex> l(mu_);
    stopped_ = true;
    slots.swap(slots_);
  }
  for (auto& s : slots) s->connection->Close();
  for (auto& s : slots) s->thread.join();
}

void FramedCallServer::Serve(Slot* slot, Other other) {
  NameThisThread(name_);
  FramedConnection& c = *slot->connection;
  switch (Sniff(c)) {
    case Peer::kGrpc:
      other(c.ReleaseFd());
      break;
    case Peer::kFramed: {
      {
        std::lock_guard<std::mutex> l(mu_);
        ++framed_connections_;
      }
      FrameBuffer in;
      if (Handshake(c, &in)) {
        ServeCalls(slot->connection, &in);
      } else {
        spdlog::debug("{}: a framed connection with an unknown version or none was closed", name_);
      }
      c.Close();
      break;
    }
    case Peer::kGone:
      c.Close();
      break;
  }
  slot->done.store(true);
}

FramedCallServer::Peer FramedCallServer::Sniff(FramedConnection& c) {
  const auto deadline = std::chrono::steady_clock::now() + kSniffTimeout;
  for (;;) {
    char head[4];
    const ssize_t n = recv(c.fd(), head, sizeof(head), MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return Peer::kGone;
    if (n > 0 && std::memcmp(head, kFramedMagic, static_cast<size_t>(n)) != 0) {
      return Peer::kGrpc;
    }
    if (n == sizeof(head)) return Peer::kFramed;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || c.closed()) return Peer::kGone;
    // A prefix of the preamble so far: wait for the rest (rare; a short pause then).
    if (n > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (n < 0 && c.Wait(POLLIN, static_cast<int>(left.count())) < 0) return Peer::kGone;
  }
}

bool FramedCallServer::Handshake(FramedConnection& c, FrameBuffer* in) {
  std::string_view preamble;
  while (!in->TakeRaw(kFramedPreambleBytes, &preamble)) {
    if (c.closed() || c.Wait(POLLIN, 1000) < 0 || in->ReadFrom(c.fd()) <= 0) return false;
  }
  if (preamble.substr(4) != FramedPreamble().substr(4)) return false;
  if (!WriteAll(c.fd(), FramedPreamble()).ok()) return false;
  fcntl(c.fd(), F_SETFL, fcntl(c.fd(), F_GETFL) | O_NONBLOCK);
  return true;
}

void FramedCallServer::ServeCalls(const std::shared_ptr<FramedConnection>& connection,
                                  FrameBuffer* in) {
  FramedConnection& c = *connection;
  StreamedCalls calls;
  // Calls that came with the preamble first: a client need not wait for ours to send them.
  if (!HandOut(connection, in, &calls)) return;
  while (!c.closed()) {
    const int revents = c.Wait(static_cast<short>(POLLIN | (c.blocked() ? POLLOUT : 0)), -1);
    if (revents < 0) return;
    if ((revents & POLLOUT) != 0) c.OnWritable();
    // Everything the socket holds now, frame by frame, until it would block.
    for (;;) {
      const ssize_t r = in->ReadFrom(c.fd());
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return;  // closed
      if (r < 0) break;
      if (!HandOut(connection, in, &calls)) return;
    }
  }
}

bool FramedCallServer::HandOut(const std::shared_ptr<FramedConnection>& connection, FrameBuffer* in,
                               StreamedCalls* calls) {
  std::string_view body;
  FrameBuffer::Next next;
  while ((next = in->NextFrame(&body)) == FrameBuffer::Next::kFrame) {
    if (!calls->ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      next = FrameBuffer::Next::kTooLarge;  // undecodable: the connection ends alike
      break;
    }
    connection->BeginBatch();
    for (StreamedCall& call : *calls->mutable_calls()) {
      handler_(call.mutable_request(), FramedAnswer(connection, call.callid()));
    }
    connection->EndBatch();
    calls->Clear();
  }
  if (next == FrameBuffer::Next::kTooLarge) {
    spdlog::warn("{}: closing a connection that sent an oversized or undecodable frame", name_);
    return false;
  }
  return true;
}

}  // namespace ozone::rpc
