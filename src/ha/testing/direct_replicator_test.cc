#include "ha/testing/direct_replicator.h"

#include <gtest/gtest.h>

#include "ha/testing/kv_apply_handler.h"
#include "tests/testutil/subprocess.h"

namespace ozone::ha::testing {
namespace {

class DirectReplicatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::DBStore::Open(tmp_.Sub("kv.db"), KvDbDefinition());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value();
    ASSERT_TRUE(handler_.Reload(*db_).ok());
  }
  testutil::TempDir tmp_;
  std::unique_ptr<storage::DBStore> db_;
  KvApplyHandler handler_;
};

TEST_F(DirectReplicatorTest, AppliesAndCommitsEachRequestAtOnce) {
  DirectReplicator r(db_.get(), &handler_, kKvTransactionInfoTable);
  EXPECT_EQ(*r.Submit("put a 1"), "");
  EXPECT_EQ(*r.Submit("put a 2"), "1");
  EXPECT_EQ(handler_.Get("a"), "2");
  EXPECT_EQ((*ReadKvTable(*db_)).at("a"), "2");
  EXPECT_EQ(*ReadStoredTransactionInfo(*db_), (TransactionInfo{Term(1), LogIndex(2)}));
  EXPECT_EQ(r.last_applied(), (TransactionInfo{Term(1), LogIndex(2)}));
  EXPECT_EQ(handler_.flushes(), 2u);

  r.SetTerm(Term(4));
  ASSERT_TRUE(r.Submit("put b 1").ok());
  EXPECT_EQ(*ReadStoredTransactionInfo(*db_), (TransactionInfo{Term(4), LogIndex(3)}));
}

TEST_F(DirectReplicatorTest, RefusesWhenNotLeader) {
  DirectReplicator r(db_.get(), &handler_);
  r.SetLeader(false, "scm2[host2:9894]");
  Result<std::string> res = r.Submit("put a 1");
  ASSERT_TRUE(res.status().IsNotLeader());
  EXPECT_NE(res.status().message().find("scm2[host2:9894]"), std::string::npos);
  EXPECT_EQ(handler_.Get("a"), std::nullopt);
  r.SetLeader(true);
  EXPECT_TRUE(r.Submit("put a 1").ok());
}

TEST_F(DirectReplicatorTest, AHandlerErrorCommitsNothing) {
  DirectReplicator r(db_.get(), &handler_, kKvTransactionInfoTable);
  ASSERT_TRUE(r.Submit("put a 1").ok());
  EXPECT_TRUE(r.Submit("fail").status().IsIoError());
  EXPECT_EQ(r.last_applied().index, LogIndex(1));
  EXPECT_EQ(*ReadStoredTransactionInfo(*db_), (TransactionInfo{Term(1), LogIndex(1)}));
}

}  // namespace
}  // namespace ozone::ha::testing
