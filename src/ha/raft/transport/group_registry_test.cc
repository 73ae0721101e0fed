#include "ha/raft/transport/group_registry.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

namespace ozone::raft {
namespace {

using std::chrono::milliseconds;

std::vector<Message> OneMessage() {
  std::vector<Message> batch(1);
  batch[0].context = 7;
  return batch;
}

TEST(GroupRegistryTest, DeliversOnlyToRegisteredGroups) {
  GroupRegistry registry;
  std::vector<Message> got;
  std::vector<PeerId> unreachable;
  ASSERT_TRUE(registry
                  .Register("g", GroupHandler{[&](std::vector<Message> b) { got = std::move(b); },
                                              [&](const PeerId& p) { unreachable.push_back(p); }})
                  .ok());
  EXPECT_TRUE(
      registry.Register("g", GroupHandler{[](std::vector<Message>) {}, nullptr}).IsAlreadyExists());
  EXPECT_TRUE(registry.Register("h", GroupHandler{}).IsInvalidArgument());

  bool built = false;
  EXPECT_FALSE(registry.Deliver("other", [&] {
    built = true;
    return OneMessage();
  }));
  EXPECT_FALSE(built) << "no decoding for unknown groups";
  EXPECT_TRUE(registry.Deliver("g", OneMessage));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].context, 7u);
  EXPECT_TRUE(registry.ReportUnreachable("g", "peer-2"));
  EXPECT_EQ(unreachable, std::vector<PeerId>{"peer-2"});
  EXPECT_FALSE(registry.ReportUnreachable("other", "peer-2"));

  registry.Unregister("g");
  EXPECT_FALSE(registry.Deliver("g", OneMessage));
  registry.Close();
  EXPECT_EQ(registry.Register("g", GroupHandler{[](std::vector<Message>) {}, nullptr}).code(),
            Status::Code::kFailedPrecondition);
}

TEST(GroupRegistryTest, UnregisterWaitsForRunningCallbacks) {
  GroupRegistry registry;
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  ASSERT_TRUE(registry
                  .Register("g", GroupHandler{[&](std::vector<Message>) {
                                                entered.set_value();
                                                released.wait();
                                              },
                                              nullptr})
                  .ok());
  std::thread deliverer([&] { EXPECT_TRUE(registry.Deliver("g", OneMessage)); });
  entered.get_future().wait();
  auto unregistered = std::async(std::launch::async, [&] { registry.Unregister("g"); });
  EXPECT_EQ(unregistered.wait_for(milliseconds(100)), std::future_status::timeout)
      << "Unregister returned while the handler was running";
  release.set_value();
  EXPECT_EQ(unregistered.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  deliverer.join();
  EXPECT_FALSE(registry.Deliver("g", OneMessage));
}

}  // namespace
}  // namespace ozone::raft
