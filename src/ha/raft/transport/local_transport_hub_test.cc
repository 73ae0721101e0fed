#include "ha/raft/transport/local_transport_hub.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace ozone::raft {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kTimeout{10000};

class Inbox {
 public:
  GroupHandler Handler() {
    return GroupHandler{[this](std::vector<Message> batch) {
                          std::lock_guard lock(mu_);
                          for (Message& m : batch) messages_.push_back(std::move(m));
                          cv_.notify_all();
                        },
                        [this](const PeerId& peer) {
                          std::lock_guard lock(mu_);
                          unreachable_.push_back(peer);
                          cv_.notify_all();
                        }};
  }
  bool WaitForMessages(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kTimeout, [&] { return messages_.size() >= n; });
  }
  std::vector<Message> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  std::vector<PeerId> unreachable() {
    std::lock_guard lock(mu_);
    return unreachable_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Message> messages_;
  std::vector<PeerId> unreachable_;
};

Message Heartbeat(const PeerId& from, const PeerId& to, uint64_t context) {
  Message m;
  m.type = MessageType::kHeartbeat;
  m.from = from;
  m.to = to;
  m.context = context;
  return m;
}

class LocalTransportHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"n1", "n2", "n3"}) {
      Result<std::unique_ptr<Transport>> t = hub_.CreateEndpoint(name);
      ASSERT_TRUE(t.ok()) << t.status();
      nodes_.push_back(std::move(t).value());
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
      ASSERT_TRUE(nodes_[i]->RegisterGroup("g1", inbox_[i][0].Handler()).ok());
      ASSERT_TRUE(nodes_[i]->RegisterGroup("g2", inbox_[i][1].Handler()).ok());
    }
  }
  void TearDown() override { nodes_.clear(); }

  LocalTransportHub hub_;
  std::vector<std::unique_ptr<Transport>> nodes_;
  Inbox inbox_[3][2];
};

TEST_F(LocalTransportHubTest, DeliversPerGroupInOrder) {
  for (uint64_t i = 0; i < 1000; ++i) {
    nodes_[0]->Send("g1", "n2", Heartbeat("n1", "n2", i));
    nodes_[0]->Send("g2", "n3", Heartbeat("n1", "n3", i));
  }
  ASSERT_TRUE(hub_.WaitUntilIdle(kTimeout));
  std::vector<Message> g1 = inbox_[1][0].messages();
  std::vector<Message> g2 = inbox_[2][1].messages();
  ASSERT_EQ(g1.size(), 1000u);
  ASSERT_EQ(g2.size(), 1000u);
  for (uint64_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(g1[i].context, i);
    EXPECT_EQ(g2[i].context, i);
  }
  EXPECT_TRUE(inbox_[1][1].messages().empty());
  EXPECT_TRUE(inbox_[2][0].messages().empty());
  EXPECT_EQ(nodes_[0]->stats().messages_sent, 2000u);
  EXPECT_EQ(nodes_[1]->stats().messages_received, 1000u);
}

TEST_F(LocalTransportHubTest, PartitionDropsAndReportsUnreachableUntilHealed) {
  hub_.Partition("n1", "n2");
  nodes_[0]->Send("g1", "n2", Heartbeat("n1", "n2", 1));
  nodes_[1]->Send("g1", "n1", Heartbeat("n2", "n1", 2));
  nodes_[0]->Send("g1", "n3", Heartbeat("n1", "n3", 3));  // not partitioned
  ASSERT_TRUE(hub_.WaitUntilIdle(kTimeout));
  EXPECT_TRUE(inbox_[1][0].messages().empty());
  EXPECT_TRUE(inbox_[0][0].messages().empty());
  EXPECT_EQ(inbox_[2][0].messages().size(), 1u);
  EXPECT_EQ(inbox_[0][0].unreachable(), std::vector<PeerId>{"n2"});
  EXPECT_EQ(inbox_[1][0].unreachable(), std::vector<PeerId>{"n1"});
  EXPECT_EQ(nodes_[0]->stats().dropped_unreachable, 1u);

  hub_.Heal("n1", "n2");
  nodes_[0]->Send("g1", "n2", Heartbeat("n1", "n2", 4));
  ASSERT_TRUE(inbox_[1][0].WaitForMessages(1));
  EXPECT_EQ(inbox_[1][0].messages()[0].context, 4u);
}

TEST_F(LocalTransportHubTest, OneWayCutAndIsolation) {
  hub_.CutLink("n1", "n2");
  nodes_[0]->Send("g1", "n2", Heartbeat("n1", "n2", 1));
  nodes_[1]->Send("g1", "n1", Heartbeat("n2", "n1", 2));
  ASSERT_TRUE(hub_.WaitUntilIdle(kTimeout));
  EXPECT_TRUE(inbox_[1][0].messages().empty());
  EXPECT_EQ(inbox_[0][0].messages().size(), 1u);

  hub_.HealAll();
  hub_.Isolate("n3");
  nodes_[0]->Send("g1", "n3", Heartbeat("n1", "n3", 3));
  nodes_[2]->Send("g1", "n2", Heartbeat("n3", "n2", 4));
  nodes_[0]->Send("g1", "n2", Heartbeat("n1", "n2", 5));
  ASSERT_TRUE(hub_.WaitUntilIdle(kTimeout));
  EXPECT_TRUE(inbox_[2][0].messages().empty());
  ASSERT_EQ(inbox_[1][0].messages().size(), 1u);
  EXPECT_EQ(inbox_[1][0].messages()[0].context, 5u);
}

TEST_F(LocalTransportHubTest, FilterDropsSilently) {
  hub_.SetFilter([](const std::string&, const std::string&, const GroupId&, const Message& m) {
    return m.context % 2 == 0;
  });
  for (uint64_t i = 0; i < 10; ++i) nodes_[0]->Send("g1", "n2", Heartbeat("n1", "n2", i));
  ASSERT_TRUE(hub_.WaitUntilIdle(kTimeout));
  std::vector<Message> got = inbox_[1][0].messages();
  ASSERT_EQ(got.size(), 5u);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].context, 2 * i);
  EXPECT_EQ(hub_.dropped_by_filter(), 5u);
  EXPECT_TRUE(inbox_[0][0].unreachable().empty());
  hub_.SetFilter(nullptr);
  nodes_[0]->Send("g1", "n2", Heartbeat("n1", "n2", 11));
  ASSERT_TRUE(inbox_[1][0].WaitForMessages(6));
}

TEST_F(LocalTransportHubTest, UnknownAddressAndGroupAndShutdown) {
  nodes_[0]->Send("g1", "nowhere", Heartbeat("n1", "n9", 1));
  nodes_[0]->Send("ghost", "n2", Heartbeat("n1", "n2", 2));
  ASSERT_TRUE(hub_.WaitUntilIdle(kTimeout));
  EXPECT_EQ(inbox_[0][0].unreachable(), std::vector<PeerId>{"n9"});
  EXPECT_EQ(nodes_[1]->stats().dropped_unknown_group, 1u);

  nodes_[1]->Shutdown();
  nodes_[0]->Send("g1", "n2", Heartbeat("n1", "n2", 3));
  nodes_[1]->Send("g1", "n1", Heartbeat("n2", "n1", 4));
  ASSERT_TRUE(hub_.WaitUntilIdle(kTimeout));
  EXPECT_TRUE(inbox_[1][0].messages().empty());
  EXPECT_TRUE(inbox_[0][0].messages().empty());
  EXPECT_EQ(nodes_[1]->stats().dropped_shutdown, 1u);
  // The address is free again.
  Result<std::unique_ptr<Transport>> again = hub_.CreateEndpoint("n2");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(hub_.CreateEndpoint("n1").status().IsAlreadyExists());
}

TEST_F(LocalTransportHubTest, HandlersMayReplyAndUnregisterWaits) {
  Inbox replies;
  ASSERT_TRUE(nodes_[1]
                  ->RegisterGroup("echo", GroupHandler{[&](std::vector<Message> batch) {
                                                         for (Message& m : batch) {
                                                           nodes_[1]->Send(
                                                               "echo", "n1",
                                                               Heartbeat("n2", "n1", m.context));
                                                         }
                                                       },
                                                       nullptr})
                  .ok());
  ASSERT_TRUE(nodes_[0]->RegisterGroup("echo", replies.Handler()).ok());
  for (uint64_t i = 0; i < 100; ++i) nodes_[0]->Send("echo", "n2", Heartbeat("n1", "n2", i));
  ASSERT_TRUE(replies.WaitForMessages(100));
  nodes_[1]->UnregisterGroup("echo");
  nodes_[0]->Send("echo", "n2", Heartbeat("n1", "n2", 100));
  ASSERT_TRUE(hub_.WaitUntilIdle(kTimeout));
  EXPECT_EQ(replies.messages().size(), 100u);
}

}  // namespace
}  // namespace ozone::raft
