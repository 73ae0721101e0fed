// ClientSink: what simulated servers report to the client side of the simulation (SimClients):
// the fate of the writes and reads clients submitted to them, and every command any server
// applies (which settles, after the fact, operations whose clients gave up on them).
//
// Thread-safety: called from the single simulation thread.
#pragma once

#include <cstdint>
#include <optional>

#include "ha/raft/sim/kv_state_machine.h"
#include "ha/raft/types.h"

namespace ozone::raft::sim {

class ClientSink {
 public:
  enum class WriteResult : uint8_t {
    kApplied,   // the server applied the proposed entry: the client gets its answer
    kReplaced,  // the server applied another entry at the proposal's index: it never took effect
    kUnknown,   // the server lost track of it (crash, snapshot install, index reused)
  };

  virtual ~ClientSink() = default;
  // `node` applied the command of an operation (on any server, proposed anywhere).
  virtual void OnCommandApplied(const PeerId& node, LogIndex index,
                                const KvApplyOutcome& outcome) = 0;
  // The write `op_id` that `node` accepted has an outcome.
  virtual void OnWriteResult(const PeerId& node, uint64_t op_id, WriteResult result,
                             bool cas_ok) = 0;
  // The read `op_id` that `node` accepted was served (`value`, or nullopt when the key is
  // absent) or failed (`ok` false).
  virtual void OnReadResult(const PeerId& node, uint64_t op_id, bool ok,
                            std::optional<int64_t> value) = 0;
};

}  // namespace ozone::raft::sim
