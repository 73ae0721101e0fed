// AsyncCreateLoad: key creates (OpenKey, then CommitKey with the returned session id) kept
// outstanding on one OM asynchronously, as etcd's benchmark tool
// (../shared/peers/etcd/etcd_put_bench) drives its puts. Three transports:
//   framed:  the calls multiplexed over the framed protocol of rpc/framed_wire.h (what OmClient
//            does), rpc::FramedCallClient; replies are handled on its reader threads;
//   streamed: the calls multiplexed over SubmitStream, one stream
//            per connection (rpc::CallStream); replies are handled on gRPC's callback threads;
//   unary:   one Submit call each, `threads` completion-queue threads driving many creates.
// The requests are those OmClient sends: this load's client id (a UUID) on every request, a call
// id growing by one per write, the user name.
//
// No failover: the OM must be the leader for the whole run (a NotLeader answer is an error).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "om.pb.h"

namespace ozone::bench {

struct AsyncCreateOptions {
  std::string address;  // the leader OM's client RPC, host:port
  int outstanding = 1000;
  bool streamed = true;
  bool framed = false;  // with streamed: over the framed protocol instead of gRPC
  int threads = 2;    // completion-queue threads (unary)
  int channels = 16;  // connections to the OM (each its own TCP connection)
  std::string client_id;  // call ids start at 1: an id no other client uses
  std::string user_name;
  // The KeyArgs of create number `n` of worker `id` (volume, bucket, key name, owner, size).
  std::function<om::KeyArgs(int id, uint64_t n)> key_args;
  std::chrono::steady_clock::time_point start;  // creates completing in [start, end] count
  std::chrono::steady_clock::time_point end;    // none is started after it
};

struct CreateLoadResult {
  std::vector<double> create_ms;  // whole creates completed in the window
  std::vector<double> open_ms;    // their OpenKey part
  uint64_t writes = 0;            // replicated writes made (each successful open and commit)
  uint64_t errors = 0;
  std::string first_error;
};

CreateLoadResult RunAsyncCreates(const AsyncCreateOptions& options);

}  // namespace ozone::bench
