// PortBlock: ports on 127.0.0.1 for the servers of a test, picked before they start (a Raft
// ring's configuration names every member's address before any of them listens).
//
// Binding port 0 and releasing it is not a safe pick: the kernel takes the same ephemeral range
// (ip_local_port_range, 32768-60999) for every process's port-0 binds and outgoing connections,
// so between the pick and the server's bind another test process may take the port, and the
// next pick in the same process may return it again (both seen in HaNodeTest under ctest -j2:
// "Address already in use"). A PortBlock claims a block of kSize ports in [10000, 20000), below
// that range, with an flock on /tmp/ozone-test-ports/<base> held for the block's life (the
// integration harness and tests/cluster_script_test.sh claim theirs the same way), so tests
// running in parallel never share a port; it hands its ports out one at a time, each once.
//
// Thread-safety: one thread uses a PortBlock.
#pragma once

#include <functional>

#include "common/result.h"

namespace ozone::testutil {

// Whether nothing holds `port` on 127.0.0.1 now (a bind succeeds).
bool PortFree(int port);

class PortBlock {
 public:
  static constexpr int kSize = 100;

  // Claims a block no other process holds and for which `usable(base)` holds (default: any).
  static Result<PortBlock> Claim(const std::function<bool(int base)>& usable = nullptr);

  PortBlock(PortBlock&& other) noexcept;
  PortBlock& operator=(PortBlock&& other) noexcept;
  ~PortBlock();  // releases the block

  // The block's first port: the block is [base(), base() + kSize).
  int base() const { return base_; }
  // The next port of the block, in order, that is free now; each port once. 0 once used up.
  int Next();

 private:
  PortBlock(int base, int lock_fd) : base_(base), lock_fd_(lock_fd) {}

  int base_ = 0;
  int lock_fd_ = -1;
  int next_ = 0;  // offset of the next port to try
};

}  // namespace ozone::testutil
