// Checkpoint transfer between replicas (proto/ha.proto CheckpointTransfer):
//   CheckpointFetcher  downloads the leader's database checkpoint into a local directory (a
//                      follower told to install a snapshot);
//   the serving side is CheckpointTransferService (ha/server/), which a server registers on its
//                      gRPC port (SCM: ozone.scm.grpc.port, 9895), configured by
//                      CheckpointTransferOptions; CheckpointTransferServer (ha/server/) is a gRPC
//                      server serving only it.
//
// Thread-safety: Fetch may be called from any thread; one fetch at a time per fetcher.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
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

// The serving side's options (CheckpointTransferService, CheckpointTransferServer).
struct CheckpointTransferOptions {
  // The cluster this server belongs to; requests of another are refused. Default: none
  // (required).
  std::string cluster_id;
  // Writes a checkpoint into the directory given (which does not exist) and returns the
  // TransactionInfo it covers, e.g. DbStateMachine::CreateCheckpoint. Default: none (required).
  std::function<Result<TransactionInfo>(const std::string& dir)> create_checkpoint;
  // Where temporary checkpoints go: on the database's file system, so that RocksDB hard links
  // its files (DbStateMachine::snapshot_dir()). Default: none (required).
  std::string scratch_dir;
  // File bytes per chunk. Default: 1 MiB (Ozone's).
  size_t chunk_size = size_t{1} << 20;
};

struct GrpcCheckpointFetcherOptions {
  // Maps a Raft peer to the address of its CheckpointTransfer service (SCM: the node's host
  // with ozone.scm.grpc.port). Default: none (required).
  std::function<Result<std::string>(const raft::PeerInfo&)> address_of;
  // Sent with the request and checked on every chunk: a server of another cluster is refused.
  // Default: none (required).
  std::string cluster_id;
  // Longest a download may take (Ozone's ozone.scm.ha.grpc.deadline.interval). Default: 30 min.
  std::chrono::milliseconds deadline{30 * 60 * 1000};
  // TLS (PEM): with tls_ca_pem the server is verified against that CA, with tls_cert_pem and
  // tls_key_pem as well this client presents that certificate (mTLS). Default: plaintext.
  std::optional<std::string> tls_ca_pem, tls_cert_pem, tls_key_pem;
};

// The gRPC client of CheckpointTransfer (ha/server/grpc_checkpoint_fetcher.cc). Fetch refuses
// (and removes what it wrote) a chunk whose crc32c does not match (Corruption), a chunk of
// another cluster (FailedPrecondition "cluster id mismatch"), a file name leaving the directory,
// a gap in a file, a stream without the TransactionInfo or ending before its eof chunk; files
// are fsynced, then the directory. gRPC failures come back as Status (rpc/grpc_status.h).
std::unique_ptr<CheckpointFetcher> MakeGrpcCheckpointFetcher(GrpcCheckpointFetcherOptions options);

}  // namespace ozone::ha
