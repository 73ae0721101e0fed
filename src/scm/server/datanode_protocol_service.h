// DatanodeProtocolService: the gRPC translator of ScmDatanodeProtocol (Ozone's
// SCMDatanodeProtocolServer). Every SCM accepts registrations and heartbeats and processes the
// reports in them (node, full and incremental container, pipeline, command status), so that a
// follower's soft state is warm when it becomes leader; only the leader answers with commands,
// each stamped with its term, and only the leader's responses carry the term. A heartbeat of a
// datanode this SCM does not know gets a reregister command.
//
// The server serving it opens on a follower only once the follower has caught up with the leader
// (DatanodeServerGate).
//
// Thread-safety: gRPC calls the methods concurrently; the dependencies are thread-safe.
#pragma once

#include <functional>
#include <string>

#include "ha/ha_context.h"
#include "scm.grpc.pb.h"
#include "scm/block/deleted_block_log.h"
#include "scm/container/container_manager.h"
#include "scm/node/node_manager.h"
#include "scm/pipeline/pipeline_manager.h"

namespace ozone::scm {

struct DatanodeProtocolDeps {
  const ha::HaContext* context = nullptr;
  NodeManager* nodes = nullptr;
  ContainerManager* containers = nullptr;
  PipelineManager* pipelines = nullptr;
  DeletedBlockLog* deleted_blocks = nullptr;
  std::string cluster_id;
  // Called after reports were processed (safe mode re-evaluates its rules).
  std::function<void()> on_reports;
};

class DatanodeProtocolService final : public ScmDatanodeProtocol::Service {
 public:
  explicit DatanodeProtocolService(DatanodeProtocolDeps deps) : d_(std::move(deps)) {}

  grpc::Status Register(grpc::ServerContext* ctx, const RegisterRequest* req,
                        RegisterResponse* resp) override;
  grpc::Status Heartbeat(grpc::ServerContext* ctx, const HeartbeatRequest* req,
                         HeartbeatResponse* resp) override;

 private:
  DatanodeProtocolDeps d_;
};

}  // namespace ozone::scm
