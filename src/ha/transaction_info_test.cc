#include "ha/transaction_info.h"

#include <gtest/gtest.h>

#include "hdds.pb.h"

namespace ozone::ha {
namespace {

TEST(TransactionInfoTest, RoundTrips) {
  TransactionInfo ti{Term(7), LogIndex(123456789012)};
  Result<TransactionInfo> decoded = DecodeTransactionInfo(EncodeTransactionInfo(ti));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, ti);
}

TEST(TransactionInfoTest, StoredAsHddsTransactionInfo) {
  hdds::TransactionInfo proto;
  ASSERT_TRUE(proto.ParseFromString(EncodeTransactionInfo({Term(3), LogIndex(42)})));
  EXPECT_EQ(proto.term(), 3);
  EXPECT_EQ(proto.transactionindex(), 42);
}

TEST(TransactionInfoTest, PrintsTermHashIndex) {
  EXPECT_EQ((TransactionInfo{Term(3), LogIndex(42)}).ToString(), "3#42");
  EXPECT_EQ(TransactionInfo{}.ToString(), "0#0");
}

TEST(TransactionInfoTest, OrdersByTermThenIndex) {
  EXPECT_LT((TransactionInfo{Term(1), LogIndex(9)}), (TransactionInfo{Term(2), LogIndex(1)}));
  EXPECT_LT((TransactionInfo{Term(2), LogIndex(1)}), (TransactionInfo{Term(2), LogIndex(2)}));
}

TEST(TransactionInfoTest, ReadsOzonesNothingAppliedAsIndexZero) {
  hdds::TransactionInfo proto;
  proto.set_term(0);
  proto.set_transactionindex(-1);
  Result<TransactionInfo> decoded = DecodeTransactionInfo(proto.SerializeAsString());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, TransactionInfo{});
}

TEST(TransactionInfoTest, RefusesGarbageAndNegativeValues) {
  EXPECT_TRUE(DecodeTransactionInfo("garbage").status().IsCorruption());
  EXPECT_TRUE(DecodeTransactionInfo("").status().IsCorruption());  // required fields missing
  hdds::TransactionInfo proto;
  proto.set_term(-2);
  proto.set_transactionindex(5);
  EXPECT_TRUE(DecodeTransactionInfo(proto.SerializeAsString()).status().IsCorruption());
}

}  // namespace
}  // namespace ozone::ha
