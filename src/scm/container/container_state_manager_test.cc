#include "scm/container/container_state_manager.h"

#include <gtest/gtest.h>

namespace ozone::scm {
namespace {

TEST(ContainerLifecycleTest, EventsApplyOnlyWhereOzoneAllowsThem) {
  using S = hdds::LifeCycleState;
  const std::vector<S> states = {hdds::OPEN,   hdds::CLOSING,  hdds::QUASI_CLOSED,
                                 hdds::CLOSED, hdds::DELETING, hdds::DELETED};
  const std::map<std::pair<S, LifeCycleEvent>, S> allowed = {
      {{hdds::OPEN, FINALIZE}, hdds::CLOSING},
      {{hdds::CLOSING, QUASI_CLOSE}, hdds::QUASI_CLOSED},
      {{hdds::CLOSING, CLOSE}, hdds::CLOSED},
      {{hdds::QUASI_CLOSED, CLOSE}, hdds::CLOSED},
      {{hdds::QUASI_CLOSED, FORCE_CLOSE}, hdds::CLOSED},
      {{hdds::CLOSED, DELETE}, hdds::DELETING},
      {{hdds::DELETING, CLEANUP}, hdds::DELETED},
  };
  for (S from : states) {
    for (LifeCycleEvent e : {FINALIZE, QUASI_CLOSE, CLOSE, FORCE_CLOSE, DELETE, CLEANUP}) {
      auto it = allowed.find({from, e});
      std::optional<S> next = NextState(from, e);
      if (it == allowed.end()) {
        EXPECT_FALSE(next) << hdds::LifeCycleState_Name(from) << " " << LifeCycleEvent_Name(e);
      } else {
        EXPECT_EQ(next, it->second)
            << hdds::LifeCycleState_Name(from) << " " << LifeCycleEvent_Name(e);
      }
    }
  }
}

}  // namespace
}  // namespace ozone::scm
