// OmExecutionFlow::SubmitAsync: a write is answered only when the replicator calls back (with the
// applied response, or the replicator's error); reads, retries of applied writes and server
// commands are answered at once, without a submit.
#include "om/om_execution_flow.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "om/scm/prefetching_block_client.h"
#include "om/testing/om_request_test_base.h"

namespace ozone::om {
namespace {

// Holds asynchronous submits until the test releases them (through `inner`) or fails them.
class HeldReplicator : public ha::Replicator {
 public:
  explicit HeldReplicator(ha::Replicator* inner) : inner_(inner) {}
  Result<std::string> Submit(std::string request) override {
    return inner_->Submit(std::move(request));
  }
  void SubmitAsync(std::string request, SubmitCallback done) override {
    held_.emplace_back(std::move(request), std::move(done));
  }
  size_t held() const { return held_.size(); }
  void Release() {
    auto held = std::move(held_);
    held_.clear();
    for (auto& [request, done] : held) done(inner_->Submit(std::move(request)));
  }
  void Fail(const ozone::Status& status) {
    auto held = std::move(held_);
    held_.clear();
    for (auto& [request, done] : held) done(status);
  }

 private:
  ha::Replicator* inner_;
  std::vector<std::pair<std::string, SubmitCallback>> held_;
};

TEST(OmExecutionFlowTest, SubmitAsyncAnswersAWriteOnceTheReplicatorCallsBack) {
  testutil::TempDir tmp;
  ManualClock clock;
  testing::OmTestCluster cluster(tmp.path(), 1, OmOptions(), &clock);
  HeldReplicator replicator(&cluster.log());
  OmReplicatedState& state = cluster.state(0);
  OmExecutionFlow flow(&state.options(), &replicator, &state.metadata(), &state.retry_cache(),
                       &cluster.scm(), &clock);
  std::vector<Result<OMResponse>> answers;
  auto collect = [&answers](Result<OMResponse> r) { answers.push_back(std::move(r)); };

  flow.SubmitAsync(testing::CreateVolume("vol1", "hadoop", /*call=*/7), collect);
  EXPECT_TRUE(answers.empty());  // not applied yet
  ASSERT_EQ(replicator.held(), 1u);
  replicator.Release();
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_TRUE(answers[0].ok()) << answers[0].status();
  EXPECT_EQ(answers[0]->status(), OK);
  EXPECT_TRUE(answers[0]->has_createvolumeresponse());

  // Answered at once: a read, a retry of the applied write (the retry cache), a server command.
  flow.SubmitAsync(testing::InfoVolume("vol1"), collect);
  flow.SubmitAsync(testing::CreateVolume("vol1", "hadoop", /*call=*/7), collect);
  OMRequest service_list;
  service_list.set_cmdtype(ServiceList);
  service_list.set_clientid("test-client");
  flow.SubmitAsync(service_list, collect);
  EXPECT_EQ(replicator.held(), 0u);
  ASSERT_EQ(answers.size(), 4u);
  EXPECT_EQ(answers[1]->status(), OK);
  EXPECT_EQ(answers[1]->infovolumeresponse().volumeinfo().volume(), "vol1");
  EXPECT_EQ(answers[2]->SerializeAsString(), answers[0]->SerializeAsString());
  EXPECT_EQ(answers[3]->status(), NOT_SUPPORTED_OPERATION);

  // The replicator's error is the answer (the server turns NotLeader into its reply).
  flow.SubmitAsync(testing::CreateVolume("vol2"), collect);
  ASSERT_EQ(replicator.held(), 1u);
  replicator.Fail(ozone::Status::NotLeader("om1 is not the leader"));
  ASSERT_EQ(answers.size(), 5u);
  EXPECT_TRUE(answers[4].status().IsNotLeader()) << answers[4].status();
}

TEST(OmExecutionFlowTest, AnOpenIsServedWithoutWaitingOnlyWithItsBlocksAtHand) {
  testutil::TempDir tmp;
  ManualClock clock;
  testing::OmTestCluster cluster(tmp.path(), 1, OmOptions(), &clock);
  OmReplicatedState& state = cluster.state(0);
  BlockPrefetchOptions prefetch;
  prefetch.reserve = 4;
  prefetch.background = false;
  PrefetchingScmBlockClient scm(&cluster.scm(), prefetch, &clock);
  OmExecutionFlow flow(&state.options(), &cluster.log(), &state.metadata(), &state.retry_cache(),
                       &scm, &clock);
  ASSERT_EQ(flow.Submit(testing::CreateVolume("vol1"))->status(), OK);
  ASSERT_EQ(flow.Submit(testing::CreateBucket("vol1", "bucket1"))->status(), OK);
  std::vector<Result<OMResponse>> answers;
  OmExecutionFlow::SubmitCallback collect = [&answers](Result<OMResponse> r) {
    answers.push_back(std::move(r));
  };

  // No block at hand: nothing happens, the request and the callback are left to the caller.
  OMRequest open = testing::CreateKey("vol1", "bucket1", "k1");
  const std::string before = open.SerializeAsString();
  EXPECT_FALSE(flow.SubmitAsyncWithoutWaiting(open, collect));
  EXPECT_EQ(open.SerializeAsString(), before);
  ASSERT_TRUE(collect);
  EXPECT_TRUE(answers.empty());
  // Where it may wait, it asks SCM; its blocks allocated ahead then serve the next opens.
  flow.SubmitAsync(open, collect);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0]->status(), OK);
  scm.RunDueRefills();
  OMRequest next = testing::CreateKey("vol1", "bucket1", "k2");
  EXPECT_TRUE(flow.SubmitAsyncWithoutWaiting(next, collect));
  EXPECT_FALSE(collect);  // taken
  ASSERT_EQ(answers.size(), 2u);
  ASSERT_TRUE(answers[1].ok()) << answers[1].status();
  EXPECT_EQ(answers[1]->status(), OK);
  EXPECT_EQ(answers[1]->createkeyresponse().keyinfo().keylocationlist(0).keylocations_size(), 1);
  EXPECT_EQ(scm.served_from_reserve(), 1u);
  // Writes that do not call SCM never wait: always served.
  OMRequest bucket = testing::CreateBucket("vol1", "bucket2");
  collect = [&answers](Result<OMResponse> r) { answers.push_back(std::move(r)); };
  EXPECT_TRUE(flow.SubmitAsyncWithoutWaiting(bucket, collect));
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[2]->status(), OK);
}

}  // namespace
}  // namespace ozone::om
