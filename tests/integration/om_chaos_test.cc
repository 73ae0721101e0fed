// Long variant of om_ha_test's client-level test (label "chaos", `make chaos` only): one OmClient
// keeps creating keys (open + commit) and volumes while the OM leader is killed with SIGKILL and
// brought back, round after round. The client carries on by itself; afterwards every
// acknowledged create is listed exactly once, no create failed (a retry applied twice would come
// back VOLUME_ALREADY_EXISTS or KEY_NOT_FOUND), no open session is left behind, and every om.db
// holds the same keys.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "tests/integration/om_cluster.h"

namespace ozone::integration {
namespace {

using namespace std::chrono_literals;

TEST(OmChaosTest, ClientCreatesThroughRepeatedLeaderKills) {
  constexpr int kRounds = 20;
  OmCluster c;
  ASSERT_TRUE(c.StartScmRing().ok());
  ASSERT_TRUE(c.InitAndStartAll().ok());
  ASSERT_TRUE(c.WaitForLeader().ok());
  auto client = c.NewClient();
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  client::OmClient& om = **client;
  Status s = CreateVolumeAndBucket(om, "chaosvol", "chaosbucket");
  ASSERT_TRUE(s.ok()) << s.ToString();

  std::mutex mu;
  std::vector<std::string> acked_keys, acked_volumes, failed;
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    char name[32];
    for (int i = 0; !stop.load(); ++i) {
      Status st;
      bool is_volume = i % 5 == 4;
      if (is_volume) {
        std::snprintf(name, sizeof(name), "cv%06d", i);
        st = om.CreateVolume(HadoopVolume(name));
      } else {
        std::snprintf(name, sizeof(name), "ck-%06d", i);
        st = CreateEmptyKey(om, "chaosvol", "chaosbucket", name);
      }
      std::lock_guard<std::mutex> l(mu);
      if (!st.ok()) {
        failed.push_back(std::string(name) + ": " + st.ToString());
        continue;
      }
      (is_volume ? acked_volumes : acked_keys).push_back(name);
      ++acked;
    }
  });
  auto await_acked = [&](int n) {
    return ScmCluster::WaitUntil([&] { return acked.load() >= n; }, 120s);
  };

  for (int round = 0; round < kRounds; ++round) {
    EXPECT_TRUE(await_acked(acked.load() + 30)) << "round " << round;
    Result<int> leader = c.WaitForLeader();
    ASSERT_TRUE(leader.ok()) << leader.status().ToString();
    c.KillOm(*leader);
    EXPECT_TRUE(await_acked(acked.load() + 30)) << "no progress after kill, round " << round;
    ASSERT_TRUE(c.StartOm(*leader).ok()) << "round " << round;
  }
  stop = true;
  writer.join();
  for (const std::string& f : failed) ADD_FAILURE() << f;

  ASSERT_TRUE(c.WaitForLeader().ok());
  Result<std::map<std::string, int>> all = ListAllKeys(om, "chaosvol", "chaosbucket");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::map<std::string, int>& listed = *all;
  for (const std::string& k : acked_keys) EXPECT_EQ(listed[k], 1) << k;
  for (const auto& [k, n] : listed) EXPECT_EQ(n, 1) << k;
  EXPECT_EQ(listed.size(), acked_keys.size());
  for (const std::string& v : acked_volumes) {
    auto info = om.InfoVolume(v);
    EXPECT_TRUE(info.ok()) << v << ": " << info.status().ToString();
  }
  // After quiescing: every om.db holds the same keys and no open session.
  ASSERT_FALSE(acked_keys.empty());
  EXPECT_TRUE(ScmCluster::WaitUntil(
      [&] {
        auto a = c.Scan(1, "keyTable"), b = c.Scan(2, "keyTable"), d = c.Scan(3, "keyTable");
        auto o1 = c.Scan(1, "openKeyTable"), o2 = c.Scan(2, "openKeyTable"),
             o3 = c.Scan(3, "openKeyTable");
        return a.ok() && b.ok() && d.ok() && o1.ok() && o2.ok() && o3.ok() && *a == *b &&
               *b == *d && a->find(acked_keys.back()) != std::string::npos &&
               o1->find("ck-") == std::string::npos && o2->find("ck-") == std::string::npos &&
               o3->find("ck-") == std::string::npos;
      },
      60s));
}

}  // namespace
}  // namespace ozone::integration
