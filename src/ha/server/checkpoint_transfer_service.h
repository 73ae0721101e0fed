// CheckpointTransferService: the serving side of checkpoint transfer (proto/ha.proto
// CheckpointTransfer, Ozone's InterSCMGrpcService.download): a follower that must install a
// snapshot downloads the leader's database checkpoint from it. A server registers it on its own
// grpc::ServerBuilder (SCM: on ozone.scm.grpc.port, 9895).
//
// Download refuses a request of another cluster (FAILED_PRECONDITION "cluster id mismatch"),
// creates a checkpoint through `create_checkpoint` (DbStateMachine::CreateCheckpoint: it flushes
// the transaction buffer first) in a fresh directory under `scratch_dir`, streams every file of
// it (in name order) in chunks of `chunk_size` bytes, each with its crc32c and the cluster id,
// the TransactionInfo on the first chunk and eof on the last, and removes the checkpoint
// afterwards, whatever happened.
//
// Thread-safety: gRPC may run several downloads at once; each has its own checkpoint.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>

#include "common/result.h"
#include "ha.grpc.pb.h"
#include "ha/checkpoint_fetcher.h"
#include "ha/transaction_info.h"

namespace ozone::ha {

class CheckpointTransferService final : public CheckpointTransfer::Service {
 public:
  explicit CheckpointTransferService(CheckpointTransferOptions options);

  grpc::Status Download(grpc::ServerContext* context, const CheckpointRequest* request,
                        grpc::ServerWriter<CheckpointChunk>* writer) override;

 private:
  // Streams the files of `dir`. Non-OK when the client went away or a file cannot be read.
  Status Stream(grpc::ServerContext* context, const std::string& dir, const TransactionInfo& ti,
                grpc::ServerWriter<CheckpointChunk>* writer);

  const CheckpointTransferOptions options_;
  std::atomic<uint64_t> next_id_{1};
};

}  // namespace ozone::ha
