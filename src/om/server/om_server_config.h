// OmServerConfig: everything an OM node's parts are configured with, read once from the
// configuration with Ozone's keys and defaults (reference/ozone-ha.md §3.1-§3.2), so that the
// composition root only wires.
//
// Thread-safety: a value type.
#pragma once

#include <chrono>
#include <optional>

#include "common/config/configuration.h"
#include "common/result.h"
#include "ha/ha_node.h"
#include "om/om_options.h"

namespace ozone::om {

struct OmServerConfig {
  // The OM core's options (ozone.om.*, ozone.key.*, service intervals).
  OmOptions om;
  // Raft (ozone.om.ratis.*): election timeout (ozone.om.ratis.minimum.timeout, in ticks of the
  // runtime's tick; heartbeats every tenth of it), snapshot threshold, purge, segments.
  raft::RaftServerOptions raft;
  // The Raft transport (ozone.ha.raft.transport; unset: TCP, or gRPC with TLS).
  std::optional<raft::TransportKind> transport;
  raft::RaftRuntimeOptions runtime;
  raft::SegmentedLogOptions log;
  // ozone.om.ratis.server.request.timeout: how long a write waits for its entry. Default: 3s.
  std::chrono::milliseconds request_timeout{3'000};
  // ozone.om.snapshot.provider.request.timeout: one checkpoint download. Default: 300s.
  std::chrono::milliseconds checkpoint_deadline{300'000};
  // How long a bootstrapping OM waits to be added to the ring (catching up included).
  std::chrono::milliseconds bootstrap_timeout{300'000};
  // How long a bootstrapping OM waits for each other OM's answer to its configuration check
  // (OmBootstrapCheck; a peer still starting is waited for). Default: 20s.
  std::chrono::milliseconds bootstrap_check_timeout{20'000};

  static Result<OmServerConfig> FromConfiguration(const config::Configuration& conf);
};

}  // namespace ozone::om
