// OmPeerListUpdater: a running OM learns a member that joined the ring from its re-read
// ozone-site.xml, and skips (with one warning) a member the file still does not have.
#include "om/server/om_peer_list_updater.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "common/config/config_loader.h"
#include "common/io/file_util.h"
#include "tests/testutil/subprocess.h"

namespace ozone::om {
namespace {

using namespace std::chrono_literals;

class OmPeerListUpdaterTest : public ::testing::Test {
 protected:
  // ozone-site.xml of om1 listing om1..om<n>.
  void WriteSite(int n) {
    std::string body = Property("ozone.om.service.ids", "omservice") +
                       Property("ozone.om.node.id", "om1") +
                       Property("ozone.metadata.dirs", tmp_.Sub("meta"));
    std::string nodes;
    for (int i = 1; i <= n; ++i) {
      std::string id = "om" + std::to_string(i);
      nodes += (i > 1 ? "," : "") + id;
      body += Property("ozone.om.address.omservice." + id, "127.0.0.1:100" + std::to_string(i) + "0");
      body += Property("ozone.om.ratis.port.omservice." + id, "100" + std::to_string(i) + "1");
    }
    body += Property("ozone.om.nodes.omservice", nodes);
    ASSERT_TRUE(io::WriteFileAtomically(tmp_.Sub(config::kSiteFileName),
                                        "<configuration>\n" + body + "</configuration>\n")
                    .ok());
  }
  static std::string Property(const std::string& key, const std::string& value) {
    return "<property><name>" + key + "</name><value>" + value + "</value></property>\n";
  }
  OmStorageConfig Load() {
    Result<config::Configuration> conf = reloader_.Reload();
    EXPECT_TRUE(conf.ok()) << conf.status();
    Result<OmStorageConfig> s = OmStorageConfig::FromConfiguration(*conf);
    EXPECT_TRUE(s.ok()) << s.status();
    return *s;
  }
  raft::Configuration Ring() {
    std::lock_guard<std::mutex> l(ring_mu_);
    return ring_;
  }
  void SetRing(int n) {
    std::lock_guard<std::mutex> l(ring_mu_);
    ring_.peers.clear();
    for (int i = 1; i <= n; ++i) {
      ring_.peers.push_back({"om" + std::to_string(i), "127.0.0.1:100" + std::to_string(i) + "1",
                             raft::PeerRole::kVoter});
    }
  }

  testutil::TempDir tmp_;
  config::ConfigReloader reloader_{
      config::ConfigSources{.config_dir = tmp_.path(), .overrides = {}, .install_root = ""}};
  std::mutex ring_mu_;
  raft::Configuration ring_;
};

TEST_F(OmPeerListUpdaterTest, LearnsAJoinedMemberOnceTheFileHasIt) {
  WriteSite(2);
  OmStorageConfig storage = Load();
  SetRing(2);
  OmPeerListUpdater updater(&storage, &reloader_, [this] { return Ring(); });
  EXPECT_TRUE(updater.UpdateOnce().empty());

  // om3 joined (e.g. --bootstrap --force) before om1's file was updated: skipped.
  SetRing(3);
  EXPECT_TRUE(updater.UpdateOnce().empty());
  EXPECT_FALSE(storage.NodeById("om3").has_value());

  WriteSite(3);
  EXPECT_EQ(updater.UpdateOnce(), (std::vector<std::string>{"om3"}));
  ASSERT_TRUE(storage.NodeById("om3").has_value());
  EXPECT_EQ(storage.NodeById("om3")->rpc_address.ToString(), "127.0.0.1:10030");
  EXPECT_TRUE(updater.UpdateOnce().empty());  // nothing new
}

TEST_F(OmPeerListUpdaterTest, DropsAMemberThatLeftTheRingButKeepsOnesThatNeverJoined) {
  WriteSite(3);  // om3 configured, not yet bootstrapped
  OmStorageConfig storage = Load();
  SetRing(2);
  OmPeerListUpdater updater(&storage, &reloader_, [this] { return Ring(); });
  updater.UpdateOnce();
  EXPECT_TRUE(storage.NodeById("om3").has_value()) << "configured, never a member: kept";

  SetRing(3);  // om3 joined
  updater.UpdateOnce();
  // om2 decommissioned: the ring is om1 and om3.
  {
    std::lock_guard<std::mutex> l(ring_mu_);
    ring_.peers.erase(ring_.peers.begin() + 1);
  }
  updater.UpdateOnce();
  EXPECT_FALSE(storage.NodeById("om2").has_value());
  EXPECT_TRUE(storage.NodeById("om1").has_value());
  EXPECT_TRUE(storage.NodeById("om3").has_value());
}

TEST_F(OmPeerListUpdaterTest, ABootstrappingOmThatSeesNoRingKeepsItsPeers) {
  WriteSite(3);
  OmStorageConfig storage = Load();
  SetRing(3);
  OmPeerListUpdater updater(&storage, &reloader_, [this] { return Ring(); });
  updater.UpdateOnce();
  {
    std::lock_guard<std::mutex> l(ring_mu_);
    ring_.peers.clear();  // a ring this node is not in (yet, or any more)
  }
  updater.UpdateOnce();
  for (const char* id : {"om1", "om2", "om3"}) EXPECT_TRUE(storage.NodeById(id).has_value()) << id;
}

TEST_F(OmPeerListUpdaterTest, DecommissionedOmsAreNotPeersAtStart) {
  WriteSite(3);
  std::string site = io::ReadFile(tmp_.Sub(config::kSiteFileName)).value();
  site.insert(site.find("</configuration>"),
              Property("ozone.om.decommissioned.nodes.omservice", "om2"));
  ASSERT_TRUE(io::WriteFileAtomically(tmp_.Sub(config::kSiteFileName), site).ok());
  OmStorageConfig storage = Load();
  EXPECT_TRUE(storage.NodeById("om1").has_value());
  EXPECT_FALSE(storage.NodeById("om2").has_value());
  EXPECT_TRUE(storage.NodeById("om3").has_value());
}

TEST_F(OmPeerListUpdaterTest, AStatusChangeWakesItsThread) {
  WriteSite(2);
  OmStorageConfig storage = Load();
  SetRing(2);
  std::atomic<int> asked{0};
  OmPeerListUpdater updater(&storage, &reloader_, [this, &asked] {
    ++asked;
    return Ring();
  });
  updater.Start();
  WriteSite(3);
  SetRing(3);
  updater.NotifyStatusChanged();  // as HaNode does on a configuration change
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!storage.NodeById("om3") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);  // polls the awaited outcome
  }
  updater.Stop();
  EXPECT_TRUE(storage.NodeById("om3").has_value());
  EXPECT_GE(asked.load(), 1);
  updater.Stop();  // idempotent
}

}  // namespace
}  // namespace ozone::om
