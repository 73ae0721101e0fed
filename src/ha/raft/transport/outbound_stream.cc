#include "ha/raft/transport/outbound_stream.h"

#include <grpcpp/alarm.h>
#include <grpcpp/create_channel.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <functional>

#include "ha/raft/transport/backoff.h"
#include "ha/raft/transport/raft_wire_codec.h"
#include "rpc/grpc_status.h"

namespace ozone::raft {

namespace {
// A failure that repeats is logged at warn level at most this often (debug otherwise).
constexpr std::chrono::seconds kRepeatLogInterval{30};
}  // namespace

// Cancels a connecting RPC when connect_timeout passes. Fired by a gRPC alarm on a gRPC thread;
// Disarm() (before the context dies) makes a late firing harmless.
class OutboundStream::ConnectTimer {
 public:
  explicit ConnectTimer(grpc::ClientContext* ctx) : ctx_(ctx) {}
  void Fire() {
    std::lock_guard lock(mu_);
    if (ctx_ == nullptr) return;
    fired_ = true;
    ctx_->TryCancel();
  }
  // Returns whether the timer fired.
  bool Disarm() {
    std::lock_guard lock(mu_);
    ctx_ = nullptr;
    return fired_;
  }

 private:
  std::mutex mu_;
  grpc::ClientContext* ctx_;  // GUARDED_BY(mu_)
  bool fired_ = false;        // GUARDED_BY(mu_)
};

OutboundStream::OutboundStream(std::string address, const OutboundConfig* config,
                               GroupRegistry* registry, TransportCounters* counters)
    : address_(std::move(address)), config_(config), registry_(registry), counters_(counters) {
  thread_ = std::thread([this] { Run(); });
}

OutboundStream::~OutboundStream() {
  Stop();
  Join();
}

void OutboundStream::Enqueue(const GroupId& group, Message message) {
  const size_t bytes = message.ByteSize() + group.size();
  std::lock_guard lock(mu_);
  if (stopping_) {
    TransportCounters::Add(counters_->dropped_shutdown, 1);
    return;
  }
  if (!queue_.empty() && queued_bytes_ + bytes > config_->max_queue_bytes) {
    TransportCounters::Add(counters_->dropped_queue_full, 1);
    overflowed_.emplace(group, message.to);
    return;
  }
  queued_bytes_ += bytes;
  queue_.push_back(Queued{group, std::move(message), bytes});
  if (queue_.size() == 1) cv_.notify_one();  // the sender waits only on an empty queue
}

void OutboundStream::Stop() {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  stopping_ = true;
  if (active_ctx_ != nullptr) active_ctx_->TryCancel();
  cv_.notify_all();
}

void OutboundStream::Join() {
  if (thread_.joinable()) thread_.join();
}

void OutboundStream::Run() {
  pthread_setname_np(pthread_self(), "raft-send");
  Backoff backoff(config_->initial_backoff, config_->max_backoff,
                  std::hash<std::string>{}(address_));
  std::vector<Queued> batch;
  std::set<PeerKey> overflowed;
  bool connected = false;
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty() || !overflowed_.empty(); });
      if (stopping_) break;
      overflowed.swap(overflowed_);
      if (connected && !queue_.empty()) TakeBatchLocked(&batch);
    }
    if (!overflowed.empty()) {
      ReportUnreachable(overflowed);
      overflowed.clear();
    }

    if (!connected) {
      {
        std::lock_guard lock(mu_);
        if (queue_.empty()) continue;  // only reports were pending
      }
      Status status = Connect();
      if (status.ok()) {
        connected = true;
        backoff.Reset();
        continue;
      }
      std::unique_lock lock(mu_);
      if (stopping_) break;
      // Raft retransmits; messages queued while the destination was unreachable are stale.
      std::vector<Queued> dropped(std::make_move_iterator(queue_.begin()),
                                  std::make_move_iterator(queue_.end()));
      queue_.clear();
      queued_bytes_ = 0;
      lock.unlock();
      Drop(&dropped, counters_->dropped_unreachable);
      const std::chrono::milliseconds delay = backoff.Next();
      LogFailure(status, delay);
      lock.lock();
      cv_.wait_for(lock, delay, [&] { return stopping_; });
      if (stopping_) break;
      continue;
    }

    if (batch.empty()) continue;
    if (WriteBatch(batch)) {
      batch.clear();
      continue;
    }
    // The stream broke (peer gone, restarted or refusing): what was written may be lost.
    Status status = rpc::FromGrpc(CloseStream(/*cancel=*/false));
    connected = false;
    Drop(&batch, counters_->dropped_unreachable);
    batch.clear();
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    LogFailure(status.ok() ? Status::Unavailable("stream closed by the peer") : status,
               std::chrono::milliseconds(0));
  }

  // Stopping: the RPC was cancelled by Stop().
  if (stream_ != nullptr) CloseStream(/*cancel=*/true);
  std::vector<Queued> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
    queue_.clear();
    queued_bytes_ = 0;
  }
  TransportCounters::Add(counters_->dropped_shutdown, dropped.size() + batch.size());
}

Status OutboundStream::Connect() {
  // A fresh channel per attempt: the host name is resolved anew, and no gRPC-internal
  // reconnect backoff of an earlier channel delays this attempt.
  channel_ = grpc::CreateCustomChannel(address_, config_->credentials, config_->channel_args);
  stub_ = wire::RaftTransport::NewStub(channel_);
  ctx_ = std::make_unique<grpc::ClientContext>();
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      ctx_.reset();
      return Status::Aborted("raft transport is shutting down");
    }
    active_ctx_ = ctx_.get();
  }

  auto timer = std::make_shared<ConnectTimer>(ctx_.get());
  grpc::Alarm alarm;
  alarm.Set(std::chrono::system_clock::now() + config_->connect_timeout, [timer](bool expired) {
    if (expired) timer->Fire();
  });

  stream_ = stub_->Stream(ctx_.get());
  wire::ClientFrame hello_frame;
  wire::Hello* hello = hello_frame.mutable_hello();
  hello->set_protocol_version(kRaftWireProtocolVersion);
  hello->set_cluster_id(config_->cluster_id);
  hello->set_sender_address(config_->sender_address);
  wire::ServerFrame answer;
  const bool ok = stream_->Write(hello_frame) && stream_->Read(&answer);
  const bool timed_out = timer->Disarm();
  alarm.Cancel();

  if (ok && answer.has_hello_ack() &&
      answer.hello_ack().protocol_version() == kRaftWireProtocolVersion) {
    TransportCounters::Add(counters_->connects, 1);
    if (failures_ > 0) {
      spdlog::info("raft transport: connected to {} after {} failed attempts", address_, failures_);
    } else {
      spdlog::debug("raft transport: connected to {}", address_);
    }
    failures_ = 0;
    last_error_.clear();
    return Status::OK();
  }

  TransportCounters::Add(counters_->connect_failures, 1);
  // After a failed Write or Read the final status is in; an unexpected answer needs a cancel.
  grpc::Status final_status = CloseStream(/*cancel=*/ok);
  if (timed_out) {
    return Status::Timeout("no connection to " + address_ + " within " +
                           std::to_string(config_->connect_timeout.count()) + " ms");
  }
  if (ok) {  // the server answered something that is not our handshake
    return Status::FailedPrecondition("raft transport: " + address_ +
                                      " does not speak raft wire protocol version " +
                                      std::to_string(kRaftWireProtocolVersion));
  }
  if (final_status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    TransportCounters::Add(counters_->handshake_rejections, 1);
    return Status::FailedPrecondition(address_ +
                                      " refused the stream: " + final_status.error_message());
  }
  return rpc::FromGrpc(final_status).WithContext("cannot connect to " + address_);
}

grpc::Status OutboundStream::CloseStream(bool cancel) {
  grpc::Status status;
  if (stream_ != nullptr) {
    if (cancel) ctx_->TryCancel();
    status = stream_->Finish();
  }
  {
    std::lock_guard lock(mu_);
    active_ctx_ = nullptr;
  }
  stream_.reset();
  ctx_.reset();
  stub_.reset();
  channel_.reset();
  return status;
}

void OutboundStream::TakeBatchLocked(std::vector<Queued>* batch) {
  size_t bytes = 0;
  while (!queue_.empty()) {
    Queued& next = queue_.front();
    if (!batch->empty() && bytes + next.bytes > config_->max_batch_bytes) break;
    bytes += next.bytes;
    queued_bytes_ -= next.bytes;
    batch->push_back(std::move(next));
    queue_.pop_front();
  }
}

bool OutboundStream::WriteBatch(const std::vector<Queued>& batch) {
  frame_.Clear();
  wire::GroupMessages* group = nullptr;
  for (const Queued& q : batch) {
    if (group == nullptr || group->group_id() != q.group) {
      group = frame_.add_groups();
      group->set_group_id(q.group);
    }
    EncodeMessage(q.message, group->add_messages());
  }
  if (!stream_->Write(frame_)) return false;
  TransportCounters::Add(counters_->batches_sent, 1);
  TransportCounters::Add(counters_->messages_sent, batch.size());
  return true;
}

void OutboundStream::Drop(std::vector<Queued>* messages, std::atomic<uint64_t>& counter) {
  if (messages->empty()) return;
  TransportCounters::Add(counter, messages->size());
  std::set<PeerKey> peers;
  for (const Queued& q : *messages) peers.emplace(q.group, q.message.to);
  messages->clear();
  ReportUnreachable(peers);
}

void OutboundStream::ReportUnreachable(const std::set<PeerKey>& peers) {
  for (const auto& [group, peer] : peers) registry_->ReportUnreachable(group, peer);
}

void OutboundStream::LogFailure(const Status& status, std::chrono::milliseconds retry_in) {
  ++failures_;
  const auto now = std::chrono::steady_clock::now();
  const std::string text = status.ToString();
  const bool news = text != last_error_ || now - last_error_time_ >= kRepeatLogInterval;
  if (news) {
    last_error_ = text;
    last_error_time_ = now;
  }
  const auto level = !news                                                ? spdlog::level::debug
                     : status.code() == Status::Code::kFailedPrecondition ? spdlog::level::err
                                                                          : spdlog::level::warn;
  spdlog::log(level, "raft transport: {} unreachable ({}); retrying in {} ms (failure {})",
              address_, text, retry_in.count(), failures_);
}

}  // namespace ozone::raft
