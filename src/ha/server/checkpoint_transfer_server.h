// CheckpointTransferServer: a gRPC server that serves only CheckpointTransfer
// (CheckpointTransferService), for a node whose checkpoint port serves nothing else, and for
// tests. A server that has a gRPC server of its own registers CheckpointTransferService on its
// ServerBuilder instead. Plaintext (TLS goes with the server's own builder).
//
// This header includes no gRPC, so code outside */server/ may start one.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "ha/checkpoint_fetcher.h"

namespace ozone::ha {

class CheckpointTransferServer {
 public:
  // Starts serving on `listen_address` ("host:port"; port 0 picks a free one). Unavailable if
  // the address cannot be bound.
  static Result<std::unique_ptr<CheckpointTransferServer>> Start(const std::string& listen_address,
                                                                 CheckpointTransferOptions options);
  // Stop().
  ~CheckpointTransferServer();

  // The bound port.
  int port() const;
  // Cancels downloads in progress and stops serving. Idempotent.
  void Stop();

 private:
  CheckpointTransferServer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ozone::ha
