#include "common/latency_breakdown.h"

#include <gtest/gtest.h>

namespace ozone {
namespace {

TEST(LatencyBreakdownTest, EachStageCountsFromThePreviousStageMarkedForTheSameRequest) {
  LatencyBreakdown b(/*window=*/2);
  // Request 1 passes every stage below; request 2 skips kCommitted.
  b.Mark(WriteStage::kRequestRead, 1000);
  b.Mark(WriteStage::kSubmitted, 1010);
  b.Mark(WriteStage::kPersisted, 1300);
  b.Mark(WriteStage::kCommitted, 1330);
  EXPECT_EQ(b.End(1400), std::nullopt);

  b.Mark(WriteStage::kRequestRead, 2000);
  b.Mark(WriteStage::kSubmitted, 2020);
  b.Mark(WriteStage::kPersisted, 2420);  // request 1's kCommitted mark is not used
  std::optional<std::string> line = b.End(2450);
  ASSERT_TRUE(line.has_value());
  // p50 of two values is the larger one, p90 too.
  EXPECT_EQ(*line,
            "latency breakdown over 2 requests (us since the previous stage, p50/p90): "
            "submitted 20/20 persisted 400/400 committed 30/30 answered 70/70");
}

TEST(LatencyBreakdownTest, AWindowStartsAfresh) {
  LatencyBreakdown b(/*window=*/1);
  b.Mark(WriteStage::kRequestRead, 0);
  ASSERT_TRUE(b.End(100).has_value());
  b.Mark(WriteStage::kRequestRead, 200);
  b.Mark(WriteStage::kApplied, 250);
  EXPECT_EQ(*b.End(260),
            "latency breakdown over 1 requests (us since the previous stage, p50/p90): "
            "applied 50/50 answered 10/10");
}

TEST(LatencyBreakdownTest, EveryStageHasAName) {
  for (int i = 0; i < static_cast<int>(WriteStage::kCount); ++i) {
    EXPECT_NE(WriteStageName(static_cast<WriteStage>(i)), "?") << i;
  }
}

}  // namespace
}  // namespace ozone
