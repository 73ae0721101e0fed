// The bootstrap checks without processes: what a peer answers about the OMs it knows
// (OmConfigurationService::Answer, after re-reading its configuration), how the bootstrapping
// OM judges the answers (OmBootstrapCheck) and how a running OM learns a new node (LearnNode).
#include "om/server/om_bootstrap_check.h"

#include <gtest/gtest.h>

#include <map>

#include "om/server/om_configuration_service.h"
#include "om/server/om_storage_config.h"

namespace ozone::om {
namespace {

// The configuration of OM `self` of service "omservice" listing om1..om<n> (om<i> at
// 127.0.0.1:100<i>0, Raft port 100<i>1).
config::Configuration Conf(const std::string& self, int n) {
  config::Configuration conf;
  conf.Set("ozone.om.service.ids", "omservice");
  conf.Set("ozone.om.node.id", self);
  conf.Set("ozone.metadata.dirs", "/tmp/unused");
  std::string nodes;
  for (int i = 1; i <= n; ++i) {
    std::string id = "om" + std::to_string(i);
    nodes += (i > 1 ? "," : "") + id;
    conf.Set("ozone.om.address.omservice." + id, "127.0.0.1:100" + std::to_string(i) + "0");
    conf.Set("ozone.om.ratis.port.omservice." + id, "100" + std::to_string(i) + "1");
  }
  conf.Set("ozone.om.nodes.omservice", nodes);
  return conf;
}

OmStorageConfig Storage(const std::string& self, int n) {
  Result<OmStorageConfig> s = OmStorageConfig::FromConfiguration(Conf(self, n));
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

raft::Configuration Ring(int n) {
  raft::Configuration ring;
  for (int i = 1; i <= n; ++i) {
    ring.peers.push_back({"om" + std::to_string(i), "127.0.0.1:100" + std::to_string(i) + "1",
                          raft::PeerRole::kVoter});
  }
  return ring;
}

topology::OmNodeDetails Node(const std::string& self, int n, const std::string& id) {
  return *Storage(self, n).NodeById(id);
}

TEST(OmConfigurationAnswerTest, ListsTheRingAndTheReReadConfiguration) {
  OmStorageConfig om1 = Storage("om1", 2);  // started before om3 was configured
  config::Configuration reread = Conf("om1", 3);
  reread.Set("ozone.om.decommissioned.nodes.omservice", "om2");
  OMConfigurationResponse r = OmConfigurationService::Answer(om1, Ring(2), reread);
  ASSERT_TRUE(r.success()) << r.errormsg();
  ASSERT_EQ(r.nodesinmemory_size(), 2);
  EXPECT_EQ(r.nodesinmemory(1).nodeid(), "om2");
  EXPECT_EQ(r.nodesinmemory(1).rpcport(), 10020u);
  ASSERT_EQ(r.nodesinnewconf_size(), 3);
  EXPECT_EQ(r.nodesinnewconf(2).nodeid(), "om3");
  EXPECT_EQ(r.nodesinnewconf(2).hostaddress(), "127.0.0.1");
  EXPECT_EQ(r.nodesinnewconf(2).rpcport(), 10030u);
  EXPECT_EQ(r.nodesinnewconf(2).ratisport(), 10031u);
  EXPECT_EQ(r.nodesinnewconf(2).nodestate(), ACTIVE);
  EXPECT_EQ(r.nodesinnewconf(1).nodestate(), DECOMMISSIONED);
  // Answering does not change what the OM has in memory.
  EXPECT_FALSE(om1.NodeById("om3").has_value());
}

TEST(OmConfigurationAnswerTest, MemberWithoutConfigurationIsListedWithItsRaftAddress) {
  OmStorageConfig om1 = Storage("om1", 2);
  OMConfigurationResponse r = OmConfigurationService::Answer(om1, Ring(3), Conf("om1", 2));
  ASSERT_EQ(r.nodesinmemory_size(), 3);
  EXPECT_EQ(r.nodesinmemory(2).nodeid(), "om3");
  EXPECT_EQ(r.nodesinmemory(2).hostaddress(), "127.0.0.1");
  EXPECT_EQ(r.nodesinmemory(2).rpcport(), 0u);
  EXPECT_EQ(r.nodesinmemory(2).ratisport(), 10031u);
}

TEST(OmConfigurationAnswerTest, UnreadableConfigurationIsNoSuccess) {
  OMConfigurationResponse r = OmConfigurationService::Answer(
      Storage("om1", 2), Ring(2),
      ozone::Status::InvalidArgument("ozone-site.xml:3: malformed"));
  EXPECT_FALSE(r.success());
  EXPECT_NE(r.errormsg().find("ozone-site.xml:3"), std::string::npos) << r.errormsg();
  EXPECT_EQ(r.nodesinnewconf_size(), 0);
}

TEST(OmBootstrapCheckTest, PeerThatReReadTheNewNodeIsReady) {
  topology::OmNodeDetails om3 = Node("om3", 3, "om3");
  OMConfigurationResponse r =
      OmConfigurationService::Answer(Storage("om1", 2), Ring(2), Conf("om1", 3));
  EXPECT_EQ(OmBootstrapCheck::Problem(om3, Node("om3", 3, "om1"), r), std::nullopt);
}

TEST(OmBootstrapCheckTest, EachWrongAnswerIsAProblem) {
  topology::OmNodeDetails om3 = Node("om3", 3, "om3");
  topology::OmNodeDetails om1 = Node("om3", 3, "om1");
  auto problem = [&](const Result<OMConfigurationResponse>& answer) {
    return OmBootstrapCheck::Problem(om3, om1, answer).value_or("");
  };
  // File not updated.
  EXPECT_NE(problem(OmConfigurationService::Answer(Storage("om1", 2), Ring(2), Conf("om1", 2)))
                .find("does not have the bootstrapping OM(om3)"),
            std::string::npos);
  // Another address.
  config::Configuration moved = Conf("om1", 3);
  moved.Set("ozone.om.address.omservice.om3", "127.0.0.3:10030");
  EXPECT_NE(problem(OmConfigurationService::Answer(Storage("om1", 2), Ring(2), moved))
                .find("address as 127.0.0.3:10030"),
            std::string::npos);
  config::Configuration other_ratis = Conf("om1", 3);
  other_ratis.Set("ozone.om.ratis.port.omservice.om3", "9999");
  EXPECT_NE(problem(OmConfigurationService::Answer(Storage("om1", 2), Ring(2), other_ratis))
                .find("ratis port 9999"),
            std::string::npos);
  // Decommissioned.
  config::Configuration gone = Conf("om1", 3);
  gone.Set("ozone.om.decommissioned.nodes.omservice", "om3");
  EXPECT_NE(problem(OmConfigurationService::Answer(Storage("om1", 2), Ring(2), gone))
                .find("decommissioned nodes list"),
            std::string::npos);
  // Already a member of the peer's ring (a wiped member bootstrapping again).
  EXPECT_NE(problem(OmConfigurationService::Answer(Storage("om1", 3), Ring(3), Conf("om1", 3)))
                .find("already contains bootstrapping OM(om3)"),
            std::string::npos);
  // Unreachable, or its file is broken.
  EXPECT_NE(problem(ozone::Status::Unavailable("connection refused")).find("could not be asked"),
            std::string::npos);
  EXPECT_NE(problem(OmConfigurationService::Answer(Storage("om1", 2), Ring(2),
                                                   ozone::Status::InvalidArgument("bad")))
                .find("could not read its configuration"),
            std::string::npos);
}

TEST(OmBootstrapCheckTest, RunNamesEveryPeerWithoutTheNewNodeInOzonesWords) {
  OmStorageConfig om3 = Storage("om3", 4);
  // om1 updated its file; om2 and om4 did not.
  std::map<std::string, OMConfigurationResponse> answers = {
      {"om1", OmConfigurationService::Answer(Storage("om1", 2), Ring(2), Conf("om1", 4))},
      {"om2", OmConfigurationService::Answer(Storage("om2", 2), Ring(2), Conf("om2", 2))},
      {"om4", OmConfigurationService::Answer(Storage("om4", 4), Ring(2), Conf("om1", 2))}};
  std::vector<std::string> asked;
  auto fetch = [&](const topology::OmNodeDetails& peer) -> Result<OMConfigurationResponse> {
    asked.push_back(peer.node_id);
    return answers.at(peer.node_id);
  };
  ozone::Status s = OmBootstrapCheck::Run(om3.self, om3.Others(), fetch);
  EXPECT_EQ(asked, (std::vector<std::string>{"om1", "om2", "om4"}));
  ASSERT_EQ(s.code(), ozone::Status::Code::kFailedPrecondition) << s;
  EXPECT_EQ(s.message(),
            "OM(s) [om2[127.0.0.1:10020],om4[127.0.0.1:10040]] do not have or have incorrect "
            "information of the bootstrapping OM. Update their ozone-site.xml before proceeding.");

  answers["om2"] = answers["om1"];
  s = OmBootstrapCheck::Run(om3.self, om3.Others(), fetch);
  EXPECT_EQ(s.message(),
            "OM [om4[127.0.0.1:10040]] do not have or have incorrect information of the "
            "bootstrapping OM. Update their ozone-site.xml before proceeding.");
  answers["om4"] = answers["om1"];
  EXPECT_TRUE(OmBootstrapCheck::Run(om3.self, om3.Others(), fetch).ok());
}

TEST(OmStorageConfigTest, LearnNodeTakesANewOmFromTheReReadConfiguration) {
  OmStorageConfig om1 = Storage("om1", 2);
  EXPECT_TRUE(om1.LearnNode(Conf("om1", 2), "om3").status().IsNotFound());
  EXPECT_FALSE(om1.NodeById("om3").has_value());

  Result<topology::OmNodeDetails> om3 = om1.LearnNode(Conf("om1", 3), "om3");
  ASSERT_TRUE(om3.ok()) << om3.status();
  EXPECT_EQ(om3->rpc_address.ToString(), "127.0.0.1:10030");
  EXPECT_EQ(om1.NodeById("om3")->RatisAddress().ToString(), "127.0.0.1:10031");
  EXPECT_EQ(om1.NodeByRatisAddress("127.0.0.1:10031")->node_id, "om3");
  ASSERT_EQ(om1.Others().size(), 2u);
  EXPECT_EQ(om1.Others()[1].node_id, "om3");

  // A moved node is updated in place; a decommissioned one is not learnt.
  config::Configuration moved = Conf("om1", 3);
  moved.Set("ozone.om.address.omservice.om3", "127.0.0.3:10030");
  ASSERT_TRUE(om1.LearnNode(moved, "om3").ok());
  EXPECT_EQ(om1.NodeById("om3")->rpc_address.host, "127.0.0.3");
  EXPECT_EQ(om1.nodes.All().size(), 3u);
  config::Configuration gone = Conf("om1", 4);
  gone.Set("ozone.om.decommissioned.nodes.omservice", "om4");
  EXPECT_TRUE(om1.LearnNode(gone, "om4").status().IsNotFound());

  // Copies are independent.
  OmStorageConfig copy = om1;
  ASSERT_TRUE(copy.LearnNode(Conf("om1", 4), "om4").ok());
  EXPECT_FALSE(om1.NodeById("om4").has_value());
}

}  // namespace
}  // namespace ozone::om
