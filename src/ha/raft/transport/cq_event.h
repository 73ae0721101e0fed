// CqEvent: what a GrpcTransport puts on its gRPC completion queue as the tag of an operation
// (a stream read, write or finish, an accepted call, an alarm). The transport's completion-queue
// threads call Complete(ok) with the outcome gRPC reports for the tag, on the thread that took
// it from the queue.
//
// Thread-safety: an event completes once per operation started with it; an object may start
// the same event again only after its Complete ran.
#pragma once

namespace ozone::raft {

class CqEvent {
 public:
  // `ok` is what grpc::CompletionQueue::Next reported for the operation.
  virtual void Complete(bool ok) = 0;

  void* tag() { return this; }
  static CqEvent* FromTag(void* tag) { return static_cast<CqEvent*>(tag); }

 protected:
  ~CqEvent() = default;
};

// An event that calls (owner->*method)(ok).
template <typename Owner>
class CqMethodEvent final : public CqEvent {
 public:
  CqMethodEvent(Owner* owner, void (Owner::*method)(bool)) : owner_(owner), method_(method) {}
  void Complete(bool ok) override { (owner_->*method_)(ok); }

 private:
  Owner* const owner_;
  void (Owner::*const method_)(bool);
};

}  // namespace ozone::raft
