// MakeLearnerPromoter: the leader-only background task that finishes adding members. A member is
// added as a learner, catches up, then is promoted (HaNode::AddPeer); when that is cut short (the
// leader changed or restarted, the call timed out, the joining `ozone scm|om --bootstrap`
// process was restarted as a plain `ozone scm|om`) the ring keeps a learner that nobody
// promotes. Ratis completes such a change itself; here the leader's task promotes every learner
// that has caught up, once per `interval` (HaNode::PromoteCaughtUpLearners). It runs in safe mode
// too (SCM starts in it).
//
// Thread-safety: as BackgroundService.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "ha/ha_context.h"
#include "ha/ha_node.h"
#include "ha/ha_service.h"

namespace ozone::ha {

// `node` returns the running node, or null before it started; it and `context` must outlive the
// service. `keep` (called only for learners that are candidates) says which learners are meant
// to stay learners (OM listeners); null: none.
std::shared_ptr<BackgroundService> MakeLearnerPromoter(
    std::function<HaNode*()> node, const HaContext* context,
    std::function<bool(const raft::PeerId&)> keep = nullptr,
    std::chrono::milliseconds interval = std::chrono::seconds(1));

}  // namespace ozone::ha
