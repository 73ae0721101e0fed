// How much one message of a call stream (rpc.proto) carries: the calls or replies waiting when a
// message is sent go in it, up to kMaxStreamBatchBytes, below gRPC's default limit of a received
// message (4 MB) so that any peer takes it; a single larger one goes alone. An element's bytes
// are its request's or response's plus kStreamElementOverhead (callId, tags and lengths).
//
// Thread-safety: pure functions over the caller's messages.
#pragma once

#include <cstddef>
#include <vector>

namespace ozone::rpc {

inline constexpr size_t kMaxStreamBatchBytes = size_t{3} << 20;
inline constexpr size_t kStreamElementOverhead = 24;

template <typename Repeated>
void MoveFront(Repeated* from, int n, Repeated* to);

// Moves the waiting elements of `from` into the empty `to`: all of them if `from_bytes` (their
// total) fits in kMaxStreamBatchBytes, else the longest prefix that fits (at least one), sized by
// `size_of(element)`. Returns the bytes moved.
template <typename Repeated, typename SizeOf>
size_t TakeStreamBatch(Repeated* from, size_t from_bytes, Repeated* to, SizeOf size_of) {
  if (from_bytes <= kMaxStreamBatchBytes) {
    from->Swap(to);
    return from_bytes;
  }
  int n = 0;
  size_t bytes = 0;
  while (n < from->size()) {
    const size_t next = size_of(from->Get(n));
    if (n > 0 && bytes + next > kMaxStreamBatchBytes) break;
    bytes += next;
    ++n;
  }
  MoveFront(from, n, to);
  return bytes;
}

// Moves the first `n` elements of `from` to the end of `to` (no copy).
template <typename Repeated>
void MoveFront(Repeated* from, int n, Repeated* to) {
  std::vector<typename Repeated::value_type*> moved(static_cast<size_t>(n));
  from->ExtractSubrange(0, n, moved.data());
  for (auto* e : moved) to->AddAllocated(e);
}

}  // namespace ozone::rpc
