// Checkpoint transfer between replicas (proto/ha.proto CheckpointTransfer):
//   CheckpointFetcher  downloads the leader's database checkpoint into a local directory (a
//                      follower told to install a snapshot);
//   the serving side is CheckpointTransferService (ha/server/), which a server registers on its
//                      gRPC port (SCM: ozone.scm.grpc.port, 9895).
//
// Thread-safety: Fetch may be called from any thread; one fetch at a time per fetcher.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "ha/raft/types.h"
#include "ha/transaction_info.h"

namespace ozone::ha {

class CheckpointFetcher {
 public:
  virtual ~CheckpointFetcher() = default;
  // Downloads the checkpoint of `leader` into `dest_dir` (created; must not exist) and returns
  // the TransactionInfo it covers. Each chunk's checksum is verified.
  virtual Result<TransactionInfo> Fetch(const raft::PeerInfo& leader,
                                        const std::string& dest_dir) = 0;
};

struct GrpcCheckpointFetcherOptions {
  // Maps a Raft peer to the address of its CheckpointTransfer service (SCM: the node's host
  // with ozone.scm.grpc.port).
  std::function<Result<std::string>(const raft::PeerInfo&)> address_of;
  std::string cluster_id;
  // Longest a download may take (Ozone's ozone.scm.ha.grpc.deadline.interval). Default: 30 min.
  std::chrono::milliseconds deadline{30 * 60 * 1000};
};

std::unique_ptr<CheckpointFetcher> MakeGrpcCheckpointFetcher(GrpcCheckpointFetcherOptions options);

}  // namespace ozone::ha
