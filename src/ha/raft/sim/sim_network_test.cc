#include "ha/raft/sim/sim_network.h"

#include <gtest/gtest.h>

namespace ozone::raft::sim {
namespace {

Message Msg(const PeerId& from, const PeerId& to, uint64_t context) {
  Message m;
  m.type = MessageType::kHeartbeat;
  m.from = from;
  m.to = to;
  m.context = context;
  return m;
}

// Delivers everything queued; returns the contexts in delivery order.
std::vector<uint64_t> Drain(SimNetwork* net) {
  std::vector<uint64_t> out;
  SimTime last = 0;
  while (net->NextDeliveryTime() != kSimTimeInfinity) {
    EXPECT_GE(net->NextDeliveryTime(), last);
    last = net->NextDeliveryTime();
    SimNetwork::Arrival a = net->PopNext();
    if (!a.lost) out.push_back(a.message.context);
  }
  return out;
}

TEST(SimNetworkTest, SameSeedSameDeliveries) {
  auto run = [](uint64_t seed) {
    SimNetwork net(seed);
    NetworkFaults f;
    f.drop_probability = 0.2;
    f.duplicate_probability = 0.2;
    f.slow_probability = 0.1;
    net.set_faults(f);
    for (uint64_t i = 0; i < 200; ++i) net.Send(Msg("a", "b", i), SimTime(i * 10));
    return Drain(&net);
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

TEST(SimNetworkTest, DelaysReorderAndFaultsDropAndDuplicate) {
  SimNetwork net(1);
  NetworkFaults f;
  f.drop_probability = 0.1;
  f.duplicate_probability = 0.1;
  f.min_delay = 10;
  f.max_delay = 5000;
  net.set_faults(f);
  for (uint64_t i = 0; i < 1000; ++i) net.Send(Msg("a", "b", i), SimTime(i));
  std::vector<uint64_t> got = Drain(&net);
  EXPECT_GT(net.stats().dropped, 0u);
  EXPECT_GT(net.stats().duplicated, 0u);
  EXPECT_EQ(got.size(), 1000 - net.stats().dropped + net.stats().duplicated);
  bool reordered = false;
  for (size_t i = 1; i < got.size(); ++i) reordered |= got[i] < got[i - 1];
  EXPECT_TRUE(reordered);
}

TEST(SimNetworkTest, PartitionsCutLinksBothWaysAndHealRestoresThem) {
  SimNetwork net(1);
  net.Partition({{"a", "b"}, {"c"}});
  EXPECT_TRUE(net.LinkUp("a", "b"));
  EXPECT_FALSE(net.LinkUp("a", "c"));
  EXPECT_FALSE(net.LinkUp("c", "b"));
  EXPECT_EQ(net.Send(Msg("c", "a", 1), 0), SimNetwork::SendResult::kLinkDown);
  net.HealAll();
  EXPECT_TRUE(net.AllLinksUp());
  EXPECT_EQ(net.Send(Msg("c", "a", 1), 0), SimNetwork::SendResult::kQueued);
}

TEST(SimNetworkTest, AsymmetricLinkAndLossInFlight) {
  SimNetwork net(1);
  net.CutLink("a", "b");
  EXPECT_FALSE(net.LinkUp("a", "b"));
  EXPECT_TRUE(net.LinkUp("b", "a"));
  ASSERT_EQ(net.Send(Msg("b", "a", 1), 0), SimNetwork::SendResult::kQueued);
  net.CutLink("b", "a");  // goes down while the message is on its way
  EXPECT_TRUE(Drain(&net).empty());
  EXPECT_EQ(net.stats().cut, 1u);
}

}  // namespace
}  // namespace ozone::raft::sim
