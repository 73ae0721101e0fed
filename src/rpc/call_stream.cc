#include "rpc/call_stream.h"

#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_callback.h>

#include <unordered_map>
#include <utility>
#include <vector>

#include "rpc.pb.h"
#include "rpc/grpc_status.h"
#include "rpc/leader_hint.h"
#include "rpc/stream_batch.h"

namespace ozone::rpc {

// One stream. Lifetime: created by OpenLocked, deletes itself in OnDone (after failing its
// unanswered calls). gRPC keeps it alive while an operation is pending or a hold is on: the
// stream's own hold lasts until its reads have ended (no call is added after that), and every
// write started from outside a reaction (CallAsync) takes one around StartWrite, so that the
// stream cannot be done between the decision to write and the write.
class CallStream::Reactor final : public grpc::ClientBidiReactor<StreamedCalls, StreamedReplies> {
 public:
  // Prepares the stream (with owner_->mu_ held: nothing is started, no reaction can run).
  explicit Reactor(CallStream* owner) : owner_(owner) {
    grpc::TemplatedGenericStub<StreamedCalls, StreamedReplies> stub(owner_->channel_);
    stub.PrepareBidiStreamingCall(&ctx_, owner_->method_path_, grpc::StubOptions(), this);
    AddHold();  // released once reads end
  }

  // Starts the stream, without owner_->mu_ (gRPC may run reactions inline). Writes started by
  // other callers before this wait for it.
  void Open() {
    StartRead(&in_);
    StartCall();
  }

  // Adds a call (with owner_->mu_ held). Returns whether the caller must write `out_`, outside
  // the lock (gRPC may run reactions inline), under the hold taken here: WriteOutsideReaction.
  bool AddLocked(uint64_t id, std::string request, Done done) {
    outstanding_.emplace(id, std::move(done));
    queued_bytes_ += request.size() + kStreamElementOverhead;
    StreamedCall* c = queued_.add_calls();
    c->set_callid(id);
    *c->mutable_request() = std::move(request);
    if (writing_ || write_failed_ || dispatching_) return false;
    TakeBatchLocked();
    AddHold();
    return true;
  }
  void WriteOutsideReaction() {
    StartWrite(&out_);
    RemoveHold();
  }
  void Cancel() { ctx_.TryCancel(); }
  void Hold() { AddHold(); }
  void Release() { RemoveHold(); }

  void OnWriteDone(bool ok) override {
    bool write = false;
    {
      std::lock_guard<std::mutex> l(owner_->mu_);
      out_.Clear();
      if (!ok) {
        write_failed_ = true;  // the stream is broken: its reads end too, OnDone fails the calls
        writing_ = false;
      } else if (queued_.calls_size() > 0) {
        TakeBatchLocked();
        write = true;
      } else {
        writing_ = false;
      }
    }
    if (write) StartWrite(&out_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      {
        std::lock_guard<std::mutex> l(owner_->mu_);
        if (owner_->open_ == this) owner_->open_ = nullptr;  // new calls open a new stream
      }
      RemoveHold();
      return;
    }
    // The callbacks run with writes held back (dispatching_): the calls they make, as a client
    // making its next call on each reply does, go out together after the batch.
    dispatch_.clear();
    {
      std::lock_guard<std::mutex> l(owner_->mu_);
      dispatching_ = true;
      for (const StreamedReply& r : in_.replies()) {
        auto it = outstanding_.find(r.callid());
        if (it == outstanding_.end()) continue;  // not ours (a server bug): ignored
        dispatch_.emplace_back(std::move(it->second), &r);
        outstanding_.erase(it);
      }
    }
    for (auto& [done, reply] : dispatch_) {
      CallOutcome outcome;
      if (reply->has_errorcode()) {
        outcome.status = FromGrpc(grpc::Status(static_cast<grpc::StatusCode>(reply->errorcode()),
                                               reply->errormessage()));
        done(std::move(outcome), std::string_view());
      } else {
        done(std::move(outcome), reply->response());
      }
    }
    dispatch_.clear();
    bool write = false;
    {
      std::lock_guard<std::mutex> l(owner_->mu_);
      dispatching_ = false;
      if (!writing_ && !write_failed_ && queued_.calls_size() > 0) {
        TakeBatchLocked();
        write = true;
      }
    }
    if (write) StartWrite(&out_);
    in_.Clear();
    StartRead(&in_);
  }

  void OnDone(const grpc::Status& status) override {
    CallOutcome failure;
    failure.status = FromGrpc(status);
    if (status.ok()) {
      failure.status = Status::Unavailable(owner_->server_ + " ended the call stream");
    } else if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      failure.status =
          Status::Unavailable(owner_->server_ + " is unreachable: " + status.error_message());
    }
    if (failure.status.IsNotLeader()) {
      const auto& trailers = ctx_.GetServerTrailingMetadata();
      auto it = trailers.find(kLeaderAddressKey);
      if (it != trailers.end()) failure.leader_address = std::string(it->second.data(), it->second.size());
    }
    std::unordered_map<uint64_t, Done> unanswered;
    {
      std::lock_guard<std::mutex> l(owner_->mu_);
      unanswered.swap(outstanding_);
      if (owner_->open_ == this) owner_->open_ = nullptr;
    }
    for (auto& [id, done] : unanswered) done(failure, std::string_view());
    CallStream* owner = owner_;
    delete this;
    owner->StreamEnded();
  }

 private:
  // Moves the next batch of queued calls to out_ (owner_->mu_ held, no write in flight).
  void TakeBatchLocked() {
    writing_ = true;
    queued_bytes_ -= TakeStreamBatch(queued_.mutable_calls(), queued_bytes_, out_.mutable_calls(),
                                     [](const StreamedCall& c) { return c.request().size() + kStreamElementOverhead; });
  }

  CallStream* const owner_;
  grpc::ClientContext ctx_;
  StreamedReplies in_;     // read side only
  std::vector<std::pair<Done, const StreamedReply*>> dispatch_;  // read side only
  StreamedCalls out_;      // being written (while writing_)
  // The rest is guarded by owner_->mu_.
  StreamedCalls queued_;   // calls waiting for the write in flight
  size_t queued_bytes_ = 0;  // their requests' bytes
  bool writing_ = false;
  bool write_failed_ = false;
  bool dispatching_ = false;  // replies being handed out: calls wait for the batch to end
  std::unordered_map<uint64_t, Done> outstanding_;  // sent or queued, not answered
};

CallStream::CallStream(std::shared_ptr<grpc::Channel> channel, std::string method_path,
                       std::string server)
    : channel_(std::move(channel)), method_path_(std::move(method_path)), server_(std::move(server)) {}

CallStream::~CallStream() {
  std::unique_lock<std::mutex> l(mu_);
  if (Reactor* open = open_; open != nullptr) {
    // Cancelled without mu_ (gRPC may run reactions inline), under a hold of its own so that
    // it cannot end and be deleted meanwhile (its own hold lasts while it is open_).
    open->Hold();
    l.unlock();
    open->Cancel();
    open->Release();
    l.lock();
  }
  ended_cv_.wait(l, [&] { return live_streams_ == 0; });
}

CallStream::Reactor* CallStream::OpenLocked(bool* opened) {
  *opened = open_ == nullptr;
  if (*opened) {
    open_ = new Reactor(this);
    ++live_streams_;
    ++streams_opened_;
  }
  return open_;
}

void CallStream::StreamEnded() {
  std::lock_guard<std::mutex> l(mu_);
  --live_streams_;
  ended_cv_.notify_all();
}

void CallStream::CallAsync(std::string request, Done done) {
  Reactor* stream;
  bool opened;
  bool write;
  {
    std::lock_guard<std::mutex> l(mu_);
    stream = OpenLocked(&opened);
    write = stream->AddLocked(++next_call_id_, std::move(request), std::move(done));
  }
  // The stream cannot end before it is started and written to: its own hold is on until its
  // reads end, and the write holds one of its own.
  if (opened) stream->Open();
  if (write) stream->WriteOutsideReaction();
}

CallOutcome CallAndWait(
    const std::function<void(std::string request,
                             std::function<void(CallOutcome, std::string_view)> done)>& call_async,
    const google::protobuf::Message& request, google::protobuf::Message* response,
    std::chrono::milliseconds timeout, const std::string& server) {
  struct Wait {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    CallOutcome outcome;
    std::string response;
  };
  auto wait = std::make_shared<Wait>();
  call_async(request.SerializeAsString(), [wait](CallOutcome outcome, std::string_view resp) {
    std::lock_guard<std::mutex> l(wait->mu);
    wait->outcome = std::move(outcome);
    wait->response.assign(resp);
    wait->done = true;
    wait->cv.notify_all();
  });
  std::unique_lock<std::mutex> l(wait->mu);
  if (!wait->cv.wait_for(l, timeout, [&] { return wait->done; })) {
    CallOutcome out;
    out.status = Status::Timeout("no reply from " + server + " within " +
                                 std::to_string(timeout.count()) + " ms");
    return out;
  }
  if (wait->outcome.status.ok() && !response->ParseFromString(wait->response)) {
    wait->outcome.status = Status::Internal("unparsable reply from " + server);
  }
  return std::move(wait->outcome);
}

CallOutcome CallStream::Call(const google::protobuf::Message& request,
                             google::protobuf::Message* response,
                             std::chrono::milliseconds timeout) {
  return CallAndWait([this](std::string r, Done done) { CallAsync(std::move(r), std::move(done)); },
                     request, response, timeout, server_);
}

uint64_t CallStream::streams_opened() const {
  std::lock_guard<std::mutex> l(mu_);
  return streams_opened_;
}

}  // namespace ozone::rpc
