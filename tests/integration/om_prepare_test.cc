// `ozone admin om prepare` / `cancelprepare` and `ozone om --upgrade` on a ring of real OM
// processes, as Ozone's ozone-om-prepare robot tests and TestOzoneManagerPrepare run them
// (reference/ozone-ha.md §3.11): after the prepare every OM refuses writes with
// NOT_SUPPORTED_OPERATION_WHEN_PREPARED while reads go on; the state survives a restart of every
// OM; cancelprepare, or a start of every OM with --upgrade, lets writes in again.
#include <gtest/gtest.h>

#include "tests/integration/om_cluster.h"

namespace ozone::integration {
namespace {

using namespace std::chrono_literals;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(OmPrepareTest, PreparedOmsRefuseWritesUntilCancelledOrUpgraded) {
  OmCluster c;
  ASSERT_TRUE(c.StartScmRing(0).ok());
  ASSERT_TRUE(c.InitAndStartAll().ok());
  ASSERT_TRUE(c.WaitForLeader().ok());
  ASSERT_EQ(c.Submit(CreateVolumeRequest("vol1")).value().status(), om::OK);
  auto prepare = [&] {
    return c.Ozone(1, {"admin", "om", "prepare", "-id", OmCluster::kServiceId,
                       "--prepare-check-interval", "1"});
  };
  auto create = [&](const std::string& volume) {
    return c.Ozone(2, {"sh", "volume", "create", "/" + volume});
  };
  const std::string refused =
      "NOT_SUPPORTED_OPERATION_WHEN_PREPARED Cannot apply write request CreateVolume when OM is "
      "in prepare mode.";

  CliResult p = prepare();
  ASSERT_EQ(p.code, 0) << p.out << p.err;
  EXPECT_TRUE(Contains(p.out, "Ozone Manager Prepare Request successfully returned with "
                              "Transaction Id : ["))
      << p.out;
  EXPECT_TRUE(Contains(p.out, "Checking individual OM instances for prepare request "
                              "completion..."))
      << p.out;
  EXPECT_TRUE(Contains(p.out, "Prepare Status : [PREPARE_COMPLETED]")) << p.out;
  EXPECT_TRUE(Contains(p.out, "OM Preparation successful! \nAll OMs are prepared\nNo new write "
                              "requests will be allowed until preparation is cancelled or "
                              "upgrade/downgrade is done.\n"))
      << p.out;
  for (int n = 1; n <= 3; ++n) {
    EXPECT_TRUE(c.WaitForLogLine(n, "completed (om.db holds it)")) << c.NodeId(n);
  }

  CliResult w = create("vol2");
  EXPECT_EQ(w.code, 255) << w.out << w.err;
  EXPECT_TRUE(Contains(w.err, refused)) << w.err;
  CliResult r = c.Ozone(3, {"sh", "volume", "info", "/vol1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "\"name\" : \"vol1\"")) << r.out;

  // Every OM restarts (a new leader may be elected): still prepared.
  for (int n = 1; n <= 3; ++n) ASSERT_TRUE(c.StopOm(n).has_value());
  for (int n = 1; n <= 3; ++n) ASSERT_TRUE(c.StartOm(n).ok());
  ASSERT_TRUE(c.WaitForLeader().ok());
  w = create("vol2");
  EXPECT_EQ(w.code, 255) << w.out << w.err;
  EXPECT_TRUE(Contains(w.err, refused)) << w.err;

  CliResult cancel = c.Ozone(1, {"admin", "om", "cancelprepare", "-id", OmCluster::kServiceId});
  ASSERT_EQ(cancel.code, 0) << cancel.out << cancel.err;
  EXPECT_EQ(cancel.out, "Cancel prepare succeeded, cluster can now accept write requests.\n");
  w = create("vol2");
  EXPECT_EQ(w.code, 0) << w.out << w.err;

  // Prepared again, then the upgrade: every OM starts with --upgrade.
  p = prepare();
  ASSERT_EQ(p.code, 0) << p.out << p.err;
  EXPECT_EQ(create("vol3").code, 255);
  for (int n = 1; n <= 3; ++n) ASSERT_TRUE(c.StopOm(n).has_value());
  for (int n = 1; n <= 3; ++n) ASSERT_TRUE(c.StartOmWith(n, {"--upgrade"}).ok());
  ASSERT_TRUE(c.WaitForLeader().ok());
  w = create("vol3");
  EXPECT_EQ(w.code, 0) << w.out << w.err;
  for (const char* v : {"vol1", "vol2", "vol3"}) {
    EXPECT_EQ(c.Ozone(1, {"sh", "volume", "info", std::string("/") + v}).code, 0) << v;
  }
}

}  // namespace
}  // namespace ozone::integration
