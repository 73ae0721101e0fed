#include "common/topology/ha_nodes.h"

#include <gtest/gtest.h>

#include "common/net/local_address.h"

namespace ozone::topology {
namespace {

using config::Configuration;

// Three SCMs and three OMs on one machine: 127.0.0.1 with distinct per-node ports.
Configuration ThreeNodesOnOneHost() {
  Configuration conf;
  conf.Set("ozone.scm.service.ids", "cluster1");
  conf.Set("ozone.scm.nodes.cluster1", "scm1,scm2,scm3");
  for (int i = 1; i <= 3; ++i) {
    std::string n = "scm" + std::to_string(i);
    conf.Set("ozone.scm.address.cluster1." + n, "127.0.0.1");
    conf.Set("ozone.scm.ratis.port.cluster1." + n, std::to_string(9894 + 100 * i));
    conf.Set("ozone.scm.client.port.cluster1." + n, std::to_string(9860 + 100 * i));
  }
  conf.Set("ozone.om.service.ids", "omservice");
  conf.Set("ozone.om.nodes.omservice", "om1,om2,om3");
  for (int i = 1; i <= 3; ++i) {
    std::string n = "om" + std::to_string(i);
    conf.Set("ozone.om.address.omservice." + n, "127.0.0.1:" + std::to_string(9862 + 100 * i));
    conf.Set("ozone.om.ratis.port.omservice." + n, std::to_string(9872 + 100 * i));
  }
  return conf;
}

TEST(HaNodesTest, ReadsScmNodesWithPerNodePorts) {
  Configuration conf = ThreeNodesOnOneHost();
  conf.Set("ozone.scm.grpc.port", "19895");
  conf.Set("ozone.scm.block.client.address.cluster1.scm3", "127.0.0.9:7000");
  auto nodes = ScmNodes(conf, "cluster1");
  ASSERT_TRUE(nodes.ok()) << nodes.status();
  ASSERT_EQ(nodes->size(), 3u);
  const auto& scm2 = (*nodes)[1];
  EXPECT_EQ(scm2.service_id, "cluster1");
  EXPECT_EQ(scm2.node_id, "scm2");
  EXPECT_EQ(scm2.host, "127.0.0.1");
  EXPECT_EQ(scm2.ratis_port, 10094);
  EXPECT_EQ(scm2.grpc_port, 19895);                 // generic key
  EXPECT_EQ(scm2.client_address.port, 10060);       // per-node port key
  EXPECT_EQ(scm2.block_client_address.port, 9863);  // Ozone default
  EXPECT_EQ(scm2.datanode_address.port, 9861);
  EXPECT_EQ((*nodes)[2].block_client_address, (net::HostPort{"127.0.0.9", 7000}));
  EXPECT_EQ(scm2.RatisAddress().ToString(), "127.0.0.1:10094");
}

TEST(HaNodesTest, ReadsOmNodes) {
  Configuration conf = ThreeNodesOnOneHost();
  auto nodes = OmNodes(conf, "omservice");
  ASSERT_TRUE(nodes.ok()) << nodes.status();
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_EQ((*nodes)[0].rpc_address, (net::HostPort{"127.0.0.1", 9962}));
  EXPECT_EQ((*nodes)[0].ratis_port, 9972);
  EXPECT_EQ((*nodes)[0].http_address, (net::HostPort{"127.0.0.1", 9874}));
}

TEST(HaNodesTest, ClientsFailOverBetweenActiveNonListenerOms) {
  Configuration conf = ThreeNodesOnOneHost();
  auto all = ActiveNonListenerOmNodes(conf, "omservice");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 3u);
  conf.Set("ozone.om.decommissioned.nodes.omservice", "om1");
  conf.Set("ozone.om.listener.nodes.omservice", "om3");
  auto active = ActiveNonListenerOmNodes(conf, "omservice");
  ASSERT_TRUE(active.ok()) << active.status();
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ((*active)[0].node_id, "om2");
}

TEST(HaNodesTest, AddressWithoutPortTakesTheGenericPort) {
  Configuration conf;
  conf.Set("ozone.om.service.ids", "svc");
  conf.Set("ozone.om.nodes.svc", "om1");
  conf.Set("ozone.om.address.svc.om1", "host1");
  EXPECT_EQ((*OmNodes(conf, "svc"))[0].rpc_address.port, 9862);
}

TEST(HaNodesTest, MissingNodeListOrAddressNamesTheKey) {
  Configuration conf;
  conf.Set("ozone.scm.service.ids", "cluster1");
  auto no_nodes = ScmNodes(conf, "cluster1");
  ASSERT_FALSE(no_nodes.ok());
  EXPECT_NE(no_nodes.status().message().find("ozone.scm.nodes.cluster1"), std::string::npos);
  conf.Set("ozone.scm.nodes.cluster1", "scm1");
  auto no_addr = ScmNodes(conf, "cluster1");
  ASSERT_FALSE(no_addr.ok());
  EXPECT_NE(no_addr.status().message().find("ozone.scm.address.cluster1.scm1"), std::string::npos);
}

TEST(HaNodesTest, ExplicitNodeIdWins) {
  Configuration conf = ThreeNodesOnOneHost();
  conf.Set("ozone.scm.node.id", "scm2");
  conf.Set("ozone.om.node.id", "om3");
  EXPECT_EQ(FindLocalScmNode(conf)->node_id, "scm2");
  EXPECT_EQ(FindLocalOmNode(conf)->node_id, "om3");
  conf.Set("ozone.scm.node.id", "scm9");
  auto bad = FindLocalScmNode(conf);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("scm1,scm2,scm3"), std::string::npos);
}

TEST(HaNodesTest, SeveralLocalNodesIsAnErrorThatNamesTheKey) {
  Configuration conf = ThreeNodesOnOneHost();
  auto scm = FindLocalScmNode(conf);  // all three are 127.0.0.1
  ASSERT_FALSE(scm.ok());
  EXPECT_NE(scm.status().message().find("ozone.scm.node.id"), std::string::npos) << scm.status();
  auto om = FindLocalOmNode(conf);
  ASSERT_FALSE(om.ok());
  EXPECT_NE(om.status().message().find("ozone.om.node.id"), std::string::npos) << om.status();
}

TEST(HaNodesTest, DetectsTheOneLocalNodeByAddress) {
  Configuration conf;
  conf.Set("ozone.scm.service.ids", "cluster1");
  conf.Set("ozone.scm.nodes.cluster1", "scm1,scm2,scm3");
  conf.Set("ozone.scm.address.cluster1.scm1", "host1");
  conf.Set("ozone.scm.address.cluster1.scm2", "host2");
  conf.Set("ozone.scm.address.cluster1.scm3", "host3");
  auto is_host2 = [](const std::string& h) { return h == "host2"; };
  EXPECT_EQ(FindLocalScmNode(conf, is_host2)->node_id, "scm2");
  auto none = FindLocalScmNode(conf, [](const std::string&) { return false; });
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("ozone.scm.node.id"), std::string::npos);
}

TEST(HaNodesTest, LoopbackAddressesAreLocal) {
  // 127.0.0.2 and .3 are local on Linux: several nodes on one machine by address.
  EXPECT_TRUE(net::IsLocalAddress("127.0.0.1"));
  EXPECT_TRUE(net::IsLocalAddress("127.0.0.3"));
  EXPECT_FALSE(net::IsLocalAddress("192.0.2.1"));  // TEST-NET-1, never assigned

  Configuration conf;
  conf.Set("ozone.om.service.ids", "svc");
  conf.Set("ozone.om.nodes.svc", "om1,om2");
  conf.Set("ozone.om.address.svc.om1", "192.0.2.1");
  conf.Set("ozone.om.address.svc.om2", "127.0.0.2");
  EXPECT_EQ(FindLocalOmNode(conf)->node_id, "om2");
}

TEST(HaNodesTest, SeveralServiceIdsNeedTheLocalOneNamed) {
  Configuration conf;
  conf.Set("ozone.om.service.ids", "cluster1,cluster2");
  auto ambiguous = LocalOmServiceId(conf);
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_NE(ambiguous.status().message().find("ozone.om.internal.service.id"), std::string::npos);
  conf.Set("ozone.om.internal.service.id", "cluster2");
  EXPECT_EQ(**LocalOmServiceId(conf), "cluster2");
  conf.Set("ozone.om.internal.service.id", "cluster3");
  EXPECT_FALSE(LocalOmServiceId(conf).ok());
}

TEST(HaNodesTest, NonHaFallbacks) {
  Configuration conf;
  EXPECT_FALSE(AllScmNodes(conf).ok());
  conf.Set("ozone.scm.names", "scmhost:9999");
  auto scms = AllScmNodes(conf);
  ASSERT_TRUE(scms.ok());
  EXPECT_EQ((*scms)[0].host, "scmhost");
  EXPECT_EQ((*scms)[0].client_address.port, 9999);
  auto local_scm = FindLocalScmNode(conf);
  ASSERT_TRUE(local_scm.ok());
  EXPECT_EQ(local_scm->service_id, kDefaultScmServiceId);
  EXPECT_EQ(local_scm->node_id, "scm1");

  auto oms = AllOmNodes(conf);
  ASSERT_TRUE(oms.ok());
  EXPECT_EQ((*oms)[0].rpc_address, (net::HostPort{"0.0.0.0", 9862}));
  auto local_om = FindLocalOmNode(conf);
  ASSERT_TRUE(local_om.ok());
  EXPECT_EQ(local_om->service_id, kDefaultOmServiceId);
}

}  // namespace
}  // namespace ozone::topology
