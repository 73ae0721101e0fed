#include "ha/learner_promoter.h"

#include <spdlog/spdlog.h>

namespace ozone::ha {

std::shared_ptr<BackgroundService> MakeLearnerPromoter(
    std::function<HaNode*()> node, const HaContext* context,
    std::function<bool(const raft::PeerId&)> keep, std::chrono::milliseconds interval) {
  BackgroundServiceOptions o;
  o.name = "LearnerPromoter";
  o.interval = interval;
  o.run_in_safe_mode = true;
  return std::make_shared<BackgroundService>(o, context, [node = std::move(node),
                                                          keep = std::move(keep)] {
    HaNode* n = node();
    if (n == nullptr) return;
    Result<std::vector<raft::PeerId>> r = n->PromoteCaughtUpLearners(keep);
    if (!r.ok() && !r.status().IsNotLeader()) {
      spdlog::warn("LearnerPromoter: {}", r.status().ToString());
    }
  });
}

}  // namespace ozone::ha
