// StreamedCallsReactor: the server side of a stream method shaped as rpc.proto describes. It
// reads batches of calls and hands each to `handler` in arrival order, with a CallAnswer to
// answer it once, at once or later from any thread (a write answered once applied). Replies go
// back in batches: those answered while a batch is being handed out, or while the previous
// message is being sent, go together (up to kMaxStreamBatchBytes; replies past kEarlyWriteBytes
// in a batch start on their way before the batch is done). One reactor per stream (gRPC's
// callback API); it deletes itself when the stream is done.
//
// A call is answered with
//   - Reply(response): the reply (a domain failure travels inside it);
//   - Fail(status): this call fails with `status` (the reply's errorCode / errorMessage), the
//     stream goes on;
//   - EndStream(status): this call is not answered and the stream ends with `status` (e.g. the
//     NotLeader reply, its trailing metadata added to the context) once the calls already handed
//     out are answered and their replies sent; calls received after it are not handed out. The
//     client fails every unanswered call with that status and sends them where it says;
//   - Complete(status, response): as a unary method's result: Reply if OK, EndStream for the
//     NotLeader reply (rpc/not_leader_reply.h), Fail otherwise.
// A CallAnswer dropped unanswered fails its call with INTERNAL.
//
// The client ends a stream by cancelling it (rpc::CallStream never closes its side). Reads that
// end otherwise mean an undecodable message (gRPC does not tell it apart from a closed side): the
// stream ends with INVALID_ARGUMENT, as with EndStream.
//
// Calls / Replies are messages with `repeated <Call> calls = 1` whose elements have `callId = 1`
// and `request = 2`, and `repeated <Reply> replies = 1` with `callId = 1`, `response = 2`,
// `errorCode = 3` and `errorMessage = 4`.
//
// Thread-safety: gRPC runs the reactions; reads, writes and answers may happen concurrently.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_callback.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include "rpc/grpc_status.h"
#include "rpc/stream_batch.h"

namespace ozone::rpc {

template <typename Calls, typename Replies>
class StreamedCallsReactor;

// The answer to one call of a StreamedCallsReactor. Movable; answer it once.
template <typename Calls, typename Replies>
class CallAnswer {
 public:
  using Reactor = StreamedCallsReactor<Calls, Replies>;
  using Response = typename Reactor::Response;

  CallAnswer(CallAnswer&& o) noexcept
      : reactor_(std::exchange(o.reactor_, nullptr)), call_id_(o.call_id_) {}
  CallAnswer& operator=(CallAnswer&&) = delete;
  CallAnswer(const CallAnswer&) = delete;
  ~CallAnswer() {
    if (reactor_ != nullptr) Fail(grpc::Status(grpc::StatusCode::INTERNAL, "call not answered"));
  }

  // `response` is taken (swapped out).
  void Reply(Response* response) { std::exchange(reactor_, nullptr)->Settle(call_id_, response, {}); }
  void Fail(const grpc::Status& status) {
    std::exchange(reactor_, nullptr)->Settle(call_id_, nullptr, status);
  }
  void EndStream(grpc::Status status) {
    std::exchange(reactor_, nullptr)->End(std::move(status));
  }
  void Complete(grpc::Status status, Response* response) {
    if (status.ok()) {
      Reply(response);
    } else if (FromGrpc(status).IsNotLeader()) {
      EndStream(std::move(status));
    } else {
      Fail(status);
    }
  }

 private:
  friend Reactor;
  CallAnswer(Reactor* reactor, uint64_t call_id) : reactor_(reactor), call_id_(call_id) {}

  Reactor* reactor_;
  uint64_t call_id_;
};

template <typename Calls, typename Replies>
class StreamedCallsReactor final : public grpc::ServerBidiReactor<Calls, Replies> {
 public:
  using Request = std::remove_cvref_t<decltype(std::declval<Calls>().calls(0).request())>;
  using Response = std::remove_cvref_t<decltype(std::declval<Replies>().replies(0).response())>;
  using Answer = CallAnswer<Calls, Replies>;
  // `request` may be moved from.
  using Handler = std::function<void(grpc::CallbackServerContext*, Request* request, Answer)>;
  // Replies answered in a batch beyond this many bytes are sent before the batch is done.
  static constexpr size_t kEarlyWriteBytes = size_t{256} << 10;

  // Starts reading.
  StreamedCallsReactor(grpc::CallbackServerContext* ctx, Handler handler)
      : ctx_(ctx), handler_(std::move(handler)) {
    this->StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (ok) {
      {
        std::lock_guard<std::mutex> l(mu_);
        in_batch_ = true;
        outstanding_ += in_.calls_size();
      }
      int handed = 0;
      for (auto& call : *in_.mutable_calls()) {
        if (Ended()) break;  // the rest is not answered: the client sends it again
        ++handed;
        handler_(ctx_, call.mutable_request(), Answer(this, call.callid()));
      }
      std::lock_guard<std::mutex> l(mu_);
      outstanding_ -= in_.calls_size() - handed;
      in_batch_ = false;
      in_.Clear();
    }
    Continue(ok);
  }

  void OnWriteDone(bool ok) override {
    bool write = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      writing_ = false;
      out_.Clear();
      if (!ok) {
        queued_.Clear();  // the stream is broken (cancelled): nothing more reaches the client
        queued_bytes_ = 0;
        write_failed_ = true;
      }
      write = StartNextWriteLocked();
    }
    if (write) this->StartWrite(&out_);
    MaybeFinish();
  }

  void OnDone() override { delete this; }

 private:
  friend Answer;

  bool Ended() {
    std::lock_guard<std::mutex> l(mu_);
    return end_.has_value();
  }

  void Continue(bool read_ok) {
    bool write = false;
    bool read = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!read_ok && !end_) {
        end_ = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "the call stream was closed or sent an undecodable message");
      }
      read = read_ok && !end_;  // once the stream must end, nothing more is read
      write = StartNextWriteLocked();
    }
    if (write) this->StartWrite(&out_);
    if (read) this->StartRead(&in_);
    MaybeFinish();
  }

  void Settle(uint64_t call_id, Response* response, const grpc::Status& status) {
    bool write = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      --outstanding_;
      if (!write_failed_) {
        auto* reply = queued_.add_replies();
        reply->set_callid(call_id);
        if (response != nullptr) {
          reply->mutable_response()->Swap(response);
        } else {
          reply->set_errorcode(static_cast<int32_t>(status.error_code()));
          reply->set_errormessage(status.error_message());
        }
        // Cached: serializing the reply reuses the sizes.
        const size_t bytes = reply->ByteSizeLong() + kStreamElementOverhead;
        queued_bytes_ += bytes;
        batch_bytes_ += bytes;
        // While a batch is handed out, wait for its end unless it is large.
        if (!in_batch_ || batch_bytes_ >= kEarlyWriteBytes) {
          batch_bytes_ = 0;
          write = StartNextWriteLocked();
        }
      }
    }
    if (write) this->StartWrite(&out_);
    MaybeFinish();
  }

  void End(grpc::Status status) {
    {
      std::lock_guard<std::mutex> l(mu_);
      --outstanding_;
      if (!end_) end_ = std::move(status);
    }
    MaybeFinish();
  }

  // Moves the queued replies to out_ if no write is in flight (mu_ held); true if the caller
  // must start writing them.
  bool StartNextWriteLocked() {
    if (writing_ || write_failed_ || queued_.replies_size() == 0) return false;
    queued_bytes_ -=
        TakeStreamBatch(queued_.mutable_replies(), queued_bytes_, out_.mutable_replies(),
                        [](const auto& r) {
                          return static_cast<size_t>(r.GetCachedSize()) + kStreamElementOverhead;
                        });
    writing_ = true;
    return true;
  }

  // Finishes the stream once it ended, every call handed out was answered and every reply went
  // out (once).
  void MaybeFinish() {
    grpc::Status status;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (finished_ || !end_ || in_batch_ || outstanding_ > 0 || writing_ ||
          (queued_.replies_size() > 0 && !write_failed_))
        return;
      finished_ = true;
      status = *end_;
    }
    this->Finish(status);
  }

  grpc::CallbackServerContext* const ctx_;
  const Handler handler_;
  Calls in_;  // read side (one read at a time)
  std::mutex mu_;
  Replies queued_;              // guarded by mu_: answered, waiting for the write in flight
  size_t queued_bytes_ = 0;     // guarded by mu_: their bytes
  size_t batch_bytes_ = 0;      // guarded by mu_: of those, answered since the last write start
  Replies out_;                 // being written while writing_
  std::optional<grpc::Status> end_;  // guarded by mu_: how the stream ends, once it must
  int64_t outstanding_ = 0;     // guarded by mu_: calls received, not answered
  bool in_batch_ = false;       // guarded by mu_: a batch is being handed out
  bool writing_ = false;        // guarded by mu_
  bool write_failed_ = false;   // guarded by mu_
  bool finished_ = false;       // guarded by mu_
};

}  // namespace ozone::rpc
