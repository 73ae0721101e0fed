#include "ha/raft/transport/outbound_stream.h"

#include <grpcpp/create_channel.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>

#include "ha/raft/transport/raft_wire_codec.h"
#include "rpc/grpc_status.h"

namespace ozone::raft {

namespace {
// A failure that repeats is logged at warn level at most this often (debug otherwise).
constexpr std::chrono::seconds kRepeatLogInterval{30};
}  // namespace

// One connection attempt and, once its handshake is done, the stream it carries. Owned by the
// OutboundStream (call_), destroyed once Finish and the connect timer have completed. Every
// field is guarded by the stream's mu_, except the gRPC objects (thread-safe as gRPC allows: one
// read and one write pending at a time) and the buffers of the operation that uses them.
class OutboundStream::Call {
 public:
  explicit Call(OutboundStream* owner) : owner_(owner) {}

  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<wire::RaftTransport::Stub> stub;
  grpc::ClientContext ctx;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<wire::ClientFrame, wire::ServerFrame>> stream;
  wire::ClientFrame hello;
  wire::ServerFrame answer;  // the HelloAck, then whatever a broken stream delivers
  grpc::Status status;       // set by Finish
  grpc::Alarm timer;         // connect_timeout

  int ops = 0;                 // pending reads and writes (not Finish, not the timer)
  bool timer_pending = false;  // the timer's event has not completed yet
  bool handshake_done = false;
  bool failed = false;     // the call is ending: no new reads or writes
  bool finishing = false;  // Finish started
  bool finished = false;   // Finish completed
  bool timed_out = false;
  bool unexpected_answer = false;

  CqMethodEvent<Call> hello_written{this, &Call::HelloWritten};
  CqMethodEvent<Call> read_done{this, &Call::ReadDone};
  CqMethodEvent<Call> written{this, &Call::Written};
  CqMethodEvent<Call> timer_done{this, &Call::TimerDone};
  CqMethodEvent<Call> finish_done{this, &Call::FinishDone};

 private:
  void HelloWritten(bool ok) { owner_->OnHelloWritten(this, ok); }
  void ReadDone(bool ok) { owner_->OnRead(this, ok); }
  void Written(bool ok) { owner_->OnWritten(this, ok); }
  void TimerDone(bool ok) { owner_->OnConnectTimer(this, ok); }
  void FinishDone(bool ok) { owner_->OnFinished(this, ok); }

  OutboundStream* const owner_;
};

OutboundStream::OutboundStream(std::string address, const OutboundConfig* config,
                               grpc::CompletionQueue* cq, GroupRegistry* registry,
                               TransportCounters* counters)
    : address_(std::move(address)),
      config_(config),
      cq_(cq),
      registry_(registry),
      counters_(counters),
      backoff_(config->initial_backoff, config->max_backoff, std::hash<std::string>{}(address_)) {}

OutboundStream::~OutboundStream() = default;

void OutboundStream::Enqueue(const GroupId& group, Message message) {
  const size_t bytes = message.ByteSize() + group.size();
  std::unique_lock lock(mu_);
  if (stopping_) {
    TransportCounters::Add(counters_->dropped_shutdown, 1);
    return;
  }
  if (!queue_.empty() && queued_bytes_ + bytes > config_->max_queue_bytes) {
    TransportCounters::Add(counters_->dropped_queue_full, 1);
    overflowed_.emplace(group, message.to);
    KickLocked();  // the report runs on a completion-queue thread
    return;
  }
  queued_bytes_ += bytes;
  queue_.push_back(Queued{group, std::move(message), bytes});
  if (state_ == State::kConnected && !write_in_flight_) {
    // An idle stream: write from this thread.
    Call* call = call_.get();
    TakeBatchLocked();
    lock.unlock();
    WriteBatch(call);
  } else if (state_ == State::kIdle) {
    KickLocked();
  }
}

void OutboundStream::Stop() {
  std::unique_lock lock(mu_);
  if (stopping_) return;
  stopping_ = true;
  const size_t dropped = queue_.size();
  queue_.clear();
  queued_bytes_ = 0;
  overflowed_.clear();
  Call* finish = nullptr;
  if (call_ != nullptr && FailLocked(call_.get(), /*cancel=*/true)) finish = call_.get();
  if (backoff_pending_) backoff_alarm_.Cancel();
  if (kick_pending_) kick_alarm_.Cancel();
  NotifyIfQuiescentLocked();
  lock.unlock();
  TransportCounters::Add(counters_->dropped_shutdown, dropped);
  if (finish != nullptr) StartFinish(finish);
}

void OutboundStream::Join() {
  std::unique_lock lock(mu_);
  quiescent_cv_.wait(lock, [&] { return call_ == nullptr && !kick_pending_ && !backoff_pending_; });
}

void OutboundStream::NotifyIfQuiescentLocked() {
  if (stopping_ && call_ == nullptr && !kick_pending_ && !backoff_pending_) {
    quiescent_cv_.notify_all();
  }
}

void OutboundStream::KickLocked() {
  if (kick_pending_) return;
  kick_pending_ = true;
  kick_alarm_.Set(cq_, std::chrono::system_clock::now(), kick_event_.tag());
}

void OutboundStream::OnKick(bool /*ok*/) {
  std::set<PeerKey> overflowed;
  {
    std::unique_lock lock(mu_);
    kick_pending_ = false;
    if (!stopping_) {
      overflowed.swap(overflowed_);
      if (state_ == State::kIdle && !queue_.empty()) StartConnectLocked();
    }
    NotifyIfQuiescentLocked();
  }
  if (!overflowed.empty()) {
    ReportUnreachable(std::vector<PeerKey>(overflowed.begin(), overflowed.end()));
  }
}

void OutboundStream::OnBackoffDone(bool /*ok*/) {
  std::unique_lock lock(mu_);
  backoff_pending_ = false;
  if (state_ == State::kBackoff) state_ = State::kIdle;
  if (!stopping_ && state_ == State::kIdle && !queue_.empty()) StartConnectLocked();
  NotifyIfQuiescentLocked();
}

void OutboundStream::StartConnectLocked() {
  // Under mu_: completion-queue operations never run our code inline, and Stop must find the
  // call complete (its context, its timer) to cancel it.
  call_ = std::make_unique<Call>(this);
  Call* call = call_.get();
  state_ = State::kConnecting;
  // A fresh channel per attempt: the host name is resolved anew, and no gRPC-internal
  // reconnect backoff of an earlier channel delays this attempt.
  call->channel = grpc::CreateCustomChannel(address_, config_->credentials, config_->channel_args);
  call->stub = wire::RaftTransport::NewStub(call->channel);
  // The call's headers leave with the Hello, in one packet.
  call->ctx.set_initial_metadata_corked(true);
  call->stream = call->stub->PrepareAsyncStream(&call->ctx, cq_);
  wire::Hello* hello = call->hello.mutable_hello();
  hello->set_protocol_version(kRaftWireProtocolVersion);
  hello->set_cluster_id(config_->cluster_id);
  hello->set_sender_address(config_->sender_address);
  call->timer_pending = true;
  call->timer.Set(cq_, std::chrono::system_clock::now() + config_->connect_timeout,
                  call->timer_done.tag());
  call->ops = 2;
  write_in_flight_ = true;  // the Hello: batches wait for its completion (one write at a time)
  call->stream->StartCall(nullptr);  // corked: no operation of its own
  call->stream->Write(call->hello, call->hello_written.tag());
  call->stream->Read(&call->answer, call->read_done.tag());
}

bool OutboundStream::FailLocked(Call* call, bool cancel) {
  if (!call->failed) {
    call->failed = true;
    state_ = State::kClosing;
    if (call->timer_pending) call->timer.Cancel();
  }
  // Pending operations then complete (not ok) at once. Not after a failed operation: the call is
  // over, the others complete by themselves, and the status the peer sent (a refused handshake)
  // must not turn into CANCELLED.
  if (cancel && call->ops > 0) call->ctx.TryCancel();
  return ReadyToFinishLocked(call);
}

bool OutboundStream::ReadyToFinishLocked(Call* call) {
  if (!call->failed || call->ops > 0 || call->finishing) return false;
  call->finishing = true;
  return true;
}

void OutboundStream::StartFinish(Call* call) {
  call->stream->Finish(&call->status, call->finish_done.tag());
}

void OutboundStream::OnHelloWritten(Call* call, bool ok) {
  std::unique_lock lock(mu_);
  --call->ops;
  write_in_flight_ = false;
  if (ok && call->handshake_done && !call->failed && !stopping_ && !queue_.empty()) {
    // The HelloAck came first and messages queued behind the Hello.
    TakeBatchLocked();
    lock.unlock();
    WriteBatch(call);
    return;
  }
  const bool finish = ok ? ReadyToFinishLocked(call) : FailLocked(call, /*cancel=*/false);
  lock.unlock();
  if (finish) StartFinish(call);
}

void OutboundStream::OnRead(Call* call, bool ok) {
  std::unique_lock lock(mu_);
  --call->ops;
  if (ok && !call->handshake_done && !call->failed && call->answer.has_hello_ack() &&
      call->answer.hello_ack().protocol_version() == kRaftWireProtocolVersion) {
    call->handshake_done = true;
    state_ = State::kConnected;
    if (call->timer_pending) call->timer.Cancel();
    TransportCounters::Add(counters_->connects, 1);
    const int failures = failures_;
    failures_ = 0;
    last_error_.clear();
    backoff_.Reset();
    // The server sends nothing more but the end of the stream: a pending read notices it.
    ++call->ops;
    call->stream->Read(&call->answer, call->read_done.tag());
    const bool write = !queue_.empty() && !write_in_flight_;
    if (write) TakeBatchLocked();
    lock.unlock();
    if (failures > 0) {
      spdlog::info("raft transport: connected to {} after {} failed attempts", address_, failures);
    } else {
      spdlog::debug("raft transport: connected to {}", address_);
    }
    if (write) WriteBatch(call);
    return;
  }
  // A failed handshake, or the end of a connected stream (the server never sends more than the
  // HelloAck: a message instead is a protocol error, and the call is cancelled).
  if (ok && !call->handshake_done) call->unexpected_answer = true;
  const bool finish = FailLocked(call, /*cancel=*/ok);
  lock.unlock();
  if (finish) StartFinish(call);
}

void OutboundStream::TakeBatchLocked() {
  size_t bytes = 0;
  in_flight_peers_.clear();
  while (!queue_.empty()) {
    Queued& next = queue_.front();
    if (!batch_.empty() && bytes + next.bytes > config_->max_batch_bytes) break;
    bytes += next.bytes;
    queued_bytes_ -= next.bytes;
    const bool known_peer = std::any_of(
        in_flight_peers_.rbegin(), in_flight_peers_.rend(),
        [&](const PeerKey& k) { return k.second == next.message.to && k.first == next.group; });
    if (!known_peer) in_flight_peers_.emplace_back(next.group, next.message.to);
    batch_.push_back(std::move(next));
    queue_.pop_front();
  }
  in_flight_count_ = batch_.size();
  write_in_flight_ = true;
  ++call_->ops;
}

void OutboundStream::WriteBatch(Call* call) {
  frame_.Clear();
  wire::GroupMessages* group = nullptr;
  for (const Queued& q : batch_) {
    if (group == nullptr || group->group_id() != q.group) {
      group = frame_.add_groups();
      group->set_group_id(q.group);
    }
    EncodeMessage(q.message, group->add_messages());
  }
  batch_.clear();
  // Serialized before Write returns; from here the next write may start (on any thread).
  call->stream->Write(frame_, call->written.tag());
}

void OutboundStream::OnWritten(Call* call, bool ok) {
  std::unique_lock lock(mu_);
  --call->ops;
  write_in_flight_ = false;
  if (ok) {
    TransportCounters::Add(counters_->batches_sent, 1);
    TransportCounters::Add(counters_->messages_sent, in_flight_count_);
    if (!call->failed && !stopping_ && !queue_.empty()) {
      TakeBatchLocked();
      lock.unlock();
      WriteBatch(call);
      return;
    }
    const bool finish = ReadyToFinishLocked(call);
    lock.unlock();
    if (finish) StartFinish(call);
    return;
  }
  // The stream broke (peer gone, restarted or refusing) or was cancelled: the batch may be lost.
  const size_t count = in_flight_count_;
  std::vector<PeerKey> peers;
  peers.swap(in_flight_peers_);
  const bool stopping = stopping_;
  const bool finish = FailLocked(call, /*cancel=*/false);
  lock.unlock();
  if (stopping) {
    TransportCounters::Add(counters_->dropped_shutdown, count);
  } else {
    Drop(count, peers, counters_->dropped_unreachable);
  }
  if (finish) StartFinish(call);
}

void OutboundStream::OnConnectTimer(Call* call, bool ok) {
  std::unique_lock lock(mu_);
  call->timer_pending = false;
  if (ok && !call->handshake_done && !call->failed) {
    call->timed_out = true;
    const bool finish = FailLocked(call, /*cancel=*/true);
    lock.unlock();
    if (finish) StartFinish(call);
    return;
  }
  MaybeRetire(call, lock);
}

void OutboundStream::OnFinished(Call* call, bool /*ok*/) {
  std::unique_lock lock(mu_);
  call->finished = true;
  MaybeRetire(call, lock);
}

void OutboundStream::MaybeRetire(Call* call, std::unique_lock<std::mutex>& lock) {
  if (!call->finished || call->timer_pending) return;
  std::unique_ptr<Call> dead = std::move(call_);
  state_ = State::kIdle;
  if (stopping_) {
    NotifyIfQuiescentLocked();
    lock.unlock();
    return;  // `dead` is destroyed outside mu_
  }

  Status status;
  if (call->handshake_done) {
    status = rpc::FromGrpc(call->status);
    if (status.ok()) status = Status::Unavailable("stream closed by the peer");
  } else {
    TransportCounters::Add(counters_->connect_failures, 1);
    if (call->timed_out) {
      status = Status::Timeout("no connection to " + address_ + " within " +
                               std::to_string(config_->connect_timeout.count()) + " ms");
    } else if (call->unexpected_answer) {
      status = Status::FailedPrecondition("raft transport: " + address_ +
                                          " does not speak raft wire protocol version " +
                                          std::to_string(kRaftWireProtocolVersion));
    } else if (call->status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
      TransportCounters::Add(counters_->handshake_rejections, 1);
      status = Status::FailedPrecondition(address_ +
                                          " refused the stream: " + call->status.error_message());
    } else if (call->status.ok()) {
      status = Status::Unavailable("cannot connect to " + address_ +
                                   ": the stream ended during the handshake");
    } else {
      status = rpc::FromGrpc(call->status).WithContext("cannot connect to " + address_);
    }
  }
  ++failures_;
  const int failures = failures_;
  const auto now = std::chrono::steady_clock::now();
  const std::string text = status.ToString();
  const bool news = text != last_error_ || now - last_error_time_ >= kRepeatLogInterval;
  if (news) {
    last_error_ = text;
    last_error_time_ = now;
  }

  std::chrono::milliseconds retry_in{0};
  std::vector<PeerKey> dropped_peers;
  size_t dropped = 0;
  if (call->handshake_done) {
    // Only failed attempts back off; a broken stream with work queued reconnects at once.
    if (!queue_.empty()) StartConnectLocked();
  } else {
    // Raft retransmits; messages queued while the destination was unreachable are stale.
    std::set<PeerKey> peers;
    for (const Queued& q : queue_) peers.emplace(q.group, q.message.to);
    dropped = queue_.size();
    dropped_peers.assign(peers.begin(), peers.end());
    queue_.clear();
    queued_bytes_ = 0;
    retry_in = backoff_.Next();
    state_ = State::kBackoff;
    backoff_pending_ = true;
    backoff_alarm_.Set(cq_, std::chrono::system_clock::now() + retry_in, backoff_event_.tag());
  }
  lock.unlock();
  dead.reset();
  if (dropped > 0) Drop(dropped, dropped_peers, counters_->dropped_unreachable);
  LogFailure(status, retry_in, failures, news);
}

void OutboundStream::Drop(size_t count, const std::vector<PeerKey>& peers,
                          std::atomic<uint64_t>& counter) {
  if (count == 0) return;
  TransportCounters::Add(counter, count);
  ReportUnreachable(peers);
}

void OutboundStream::ReportUnreachable(const std::vector<PeerKey>& peers) {
  for (const auto& [group, peer] : peers) registry_->ReportUnreachable(group, peer);
}

void OutboundStream::LogFailure(const Status& status, std::chrono::milliseconds retry_in,
                                int failures, bool news) {
  const auto level = !news                                                ? spdlog::level::debug
                     : status.code() == Status::Code::kFailedPrecondition ? spdlog::level::err
                                                                          : spdlog::level::warn;
  spdlog::log(level, "raft transport: {} unreachable ({}); retrying in {} ms (failure {})",
              address_, status.ToString(), retry_in.count(), failures);
}

}  // namespace ozone::raft
