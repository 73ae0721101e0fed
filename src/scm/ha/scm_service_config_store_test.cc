#include "scm/ha/scm_service_config_store.h"

#include <gtest/gtest.h>

#include "scm/ha/testing/scm_test_env.h"
#include "tests/testutil/subprocess.h"

namespace ozone::scm {
namespace {

TEST(ScmServiceConfigStoreTest, SavesAndDeletesThroughTheLogAndReadsTheTable) {
  testutil::TempDir tmp;
  testing::ReplicatedScm scm(tmp.Sub("scm.db"));
  ManualClock clock;
  testing::ScmNode leader(&scm, &clock);
  testing::ScmNode follower(&scm, &clock);
  follower.BecomeFollower(Term(1), "scm1[host1:9894]");

  EXPECT_EQ(*leader.config_store.Read("ContainerBalancer"), std::nullopt);
  ASSERT_TRUE(leader.config_store.Save("ContainerBalancer", "config-1").ok());
  const LogIndex saved_at = scm.log().last_applied().index;
  EXPECT_EQ(*leader.config_store.Read("ContainerBalancer"), "config-1");
  // Every replica reads its own table.
  EXPECT_EQ(*follower.config_store.Read("ContainerBalancer"), "config-1");

  Status refused = follower.config_store.Save("ContainerBalancer", "config-2");
  EXPECT_TRUE(refused.IsNotLeader()) << refused;
  EXPECT_NE(refused.message().find("scm1[host1:9894]"), std::string::npos);
  EXPECT_EQ(scm.log().last_applied().index, saved_at);

  ASSERT_TRUE(leader.config_store.Delete("ContainerBalancer").ok());
  EXPECT_EQ(*follower.config_store.Read("ContainerBalancer"), std::nullopt);
}

TEST(ScmServiceConfigStoreTest, ReadWithoutADatabaseIsUnavailable) {
  testutil::TempDir tmp;
  testing::ReplicatedScm scm(tmp.Sub("scm.db"));
  ScmRequests requests(&scm.log());
  ScmServiceConfigStore store(&requests, [] { return nullptr; });
  EXPECT_TRUE(store.Read("x").status().IsUnavailable());
}

}  // namespace
}  // namespace ozone::scm
