// StreamedCallsReactor: the server side of a stream method shaped as rpc.proto describes: it
// reads batches of calls, answers each with `handler` in arrival order, and sends the replies
// back in batches (those made while the previous batch was being sent go together, up to
// kMaxStreamBatchBytes). One reactor
// per stream (gRPC's callback API); it deletes itself when the stream is done.
//
// `handler(ctx, request, response)` answers one call: OK means `response` is the reply (a
// domain failure travels inside it); any other status ends the stream with that status (e.g. the
// NotLeader reply, trailing metadata added to `ctx`), after the replies already made are sent:
// the client fails the calls left unanswered with it and sends them where it says.
//
// The client ends a stream by cancelling it (rpc::CallStream never closes its side). Reads that end
// otherwise mean an undecodable message (gRPC does not tell it apart from a closed side): the
// stream is finished with INVALID_ARGUMENT once the replies already made are sent.
//
// Calls / Replies are messages with `repeated <Call> calls = 1` whose elements have `callId = 1`
// and `request = 2`, and `repeated <Reply> replies = 1` with `callId = 1` and `response = 2`.
//
// Thread-safety: gRPC runs the reactions; reads and writes may complete concurrently.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_callback.h>

#include <functional>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include "rpc/stream_batch.h"

namespace ozone::rpc {

template <typename Calls, typename Replies>
class StreamedCallsReactor final : public grpc::ServerBidiReactor<Calls, Replies> {
 public:
  using Request = std::remove_cvref_t<decltype(std::declval<Calls>().calls(0).request())>;
  using Response = std::remove_cvref_t<decltype(std::declval<Replies>().replies(0).response())>;
  using Handler =
      std::function<grpc::Status(grpc::CallbackServerContext*, const Request&, Response*)>;

  // Starts reading.
  StreamedCallsReactor(grpc::CallbackServerContext* ctx, Handler handler)
      : ctx_(ctx), handler_(std::move(handler)) {
    this->StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (ok) {
      for (const auto& call : in_.calls()) {
        auto* reply = answered_.add_replies();
        reply->set_callid(call.callid());
        grpc::Status s = handler_(ctx_, call.request(), reply->mutable_response());
        if (!s.ok()) {
          answered_.mutable_replies()->RemoveLast();
          end_ = std::move(s);
          break;
        }
        // Cached: serializing the reply reuses the sizes.
        answered_bytes_ += reply->ByteSizeLong() + kStreamElementOverhead;
        // Large replies start on their way while the rest of the batch is answered.
        if (answered_bytes_ >= kEarlyWriteBytes) Publish(/*reads_ended=*/false);
      }
      in_.Clear();
    }
    if (!ok && !end_) {
      end_ = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "the call stream was closed or sent an undecodable message");
    }
    const bool reading = ok && !end_;
    Publish(/*reads_ended=*/!reading);
    if (reading) this->StartRead(&in_);
    MaybeFinish();
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
  // Replies answered in a batch beyond this many bytes are sent before the batch is done.
  static constexpr size_t kEarlyWriteBytes = size_t{256} << 10;

  // Queues the replies answered so far and starts writing if no write is in flight.
  void Publish(bool reads_ended) {
    bool write = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (answered_.replies_size() > 0) {
        if (queued_.replies_size() == 0) {
          queued_.Swap(&answered_);
        } else {
          MoveFront(answered_.mutable_replies(), answered_.replies_size(), queued_.mutable_replies());
        }
        queued_bytes_ += answered_bytes_;
        answered_bytes_ = 0;
      }
      if (reads_ended) reads_ended_ = true;
      write = StartNextWriteLocked();
    }
    if (write) this->StartWrite(&out_);
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

  // Finishes the stream once reads ended and every reply went out (once).
  void MaybeFinish() {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (finished_ || !reads_ended_ || writing_ || (queued_.replies_size() > 0 && !write_failed_))
        return;
      finished_ = true;
    }
    this->Finish(*end_);
  }

  grpc::CallbackServerContext* const ctx_;
  const Handler handler_;
  // Read side (one read at a time).
  Calls in_;
  Replies answered_;
  size_t answered_bytes_ = 0;
  std::optional<grpc::Status> end_;
  // Shared by the read and write sides.
  std::mutex mu_;
  Replies queued_;             // guarded by mu_: answered, waiting for the write in flight
  size_t queued_bytes_ = 0;    // guarded by mu_: their bytes
  Replies out_;                // being written while writing_
  bool writing_ = false;       // guarded by mu_
  bool write_failed_ = false;  // guarded by mu_
  bool reads_ended_ = false;   // guarded by mu_
  bool finished_ = false;      // guarded by mu_
};

}  // namespace ozone::rpc
