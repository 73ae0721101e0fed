#include "om/request/replication_config_util.h"

#include <gtest/gtest.h>

namespace ozone::om {
namespace {

TEST(ReplicationConfigUtilTest, ParsesAndPrintsAsOzone) {
  auto ratis = *ParseReplicationConfig("RATIS", "THREE");
  EXPECT_EQ(ReplicationConfigString(ratis), "RATIS/THREE");
  EXPECT_EQ(RequiredNodes(ratis), 3u);
  EXPECT_EQ(ReplicationConfigString(*ParseReplicationConfig("", "1")), "RATIS/ONE");
  auto ec = *ParseReplicationConfig("EC", "rs-3-2-1024k");
  EXPECT_EQ(ReplicationString(ec), "rs-3-2-1024k");
  EXPECT_EQ(ReplicationConfigString(ec), "EC/rs-3-2-1024k");
  EXPECT_EQ(ec.ecreplicationconfig().ecchunksize(), 1024 * 1024);
  EXPECT_EQ(RequiredNodes(ec), 5u);
  EXPECT_EQ(CheckReplicationConfig(ec), std::nullopt);
  EXPECT_FALSE(ParseReplicationConfig("RATIS", "TWO").ok());
  EXPECT_FALSE(ParseReplicationConfig("EC", "rs-3").ok());
  auto bad = *ParseReplicationConfig("EC", "foo-3-2-1024k");
  EXPECT_NE(CheckReplicationConfig(bad), std::nullopt);
}

}  // namespace
}  // namespace ozone::om
