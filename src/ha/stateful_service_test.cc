#include "ha/stateful_service.h"

#include <gtest/gtest.h>

#include "ha/db_state_machine.h"
#include "ha/testing/kv_apply_handler.h"
#include "tests/testutil/subprocess.h"

namespace ozone::ha {
namespace {

raft::Entry Normal(uint64_t index, std::string command) {
  return raft::Entry{Term(1), LogIndex(index), raft::EntryType::kNormal,
                     raft::MakePayload(std::move(command))};
}

TEST(ServiceConfigStateTest, SaveAndDeleteAskForAFlush) {
  testutil::TempDir tmp;
  auto db = storage::DBStore::Open(tmp.Sub("kv.db"), testing::KvDbDefinition());
  ASSERT_TRUE(db.ok());
  ServiceConfigState state(testing::kKvServiceConfigTable);
  storage::WriteBatch batch;
  ApplyContext ctx{TransactionInfo{Term(1), LogIndex(1)}, db->get(), &batch};
  ASSERT_TRUE(state.ApplySave(ctx, "ContainerBalancer", "config-1").ok());
  EXPECT_TRUE(ctx.flush_after);
  EXPECT_EQ(*state.Read(**db, "ContainerBalancer"), std::nullopt);  // not committed yet
  ASSERT_TRUE((*db)->Commit(batch).ok());
  EXPECT_EQ(*state.Read(**db, "ContainerBalancer"), "config-1");

  storage::WriteBatch batch2;
  ApplyContext ctx2{TransactionInfo{Term(1), LogIndex(2)}, db->get(), &batch2};
  ASSERT_TRUE(state.ApplyDelete(ctx2, "ContainerBalancer").ok());
  EXPECT_TRUE(ctx2.flush_after);
  ASSERT_TRUE((*db)->Commit(batch2).ok());
  EXPECT_EQ(*state.Read(**db, "ContainerBalancer"), std::nullopt);
}

TEST(ServiceConfigStateTest, AMissingTableIsAnError) {
  testutil::TempDir tmp;
  auto db = storage::DBStore::Open(tmp.Sub("kv.db"), testing::KvDbDefinition());
  ASSERT_TRUE(db.ok());
  ServiceConfigState state("noSuchTable");
  storage::WriteBatch batch;
  ApplyContext ctx{TransactionInfo{Term(1), LogIndex(1)}, db->get(), &batch};
  EXPECT_FALSE(state.ApplySave(ctx, "s", "c").ok());
  EXPECT_FALSE(state.Read(**db, "s").ok());
}

TEST(ServiceConfigStateTest, ASavedConfigurationIsInTheTableOnceApplied) {
  testutil::TempDir tmp;
  testing::KvApplyHandler h;
  DbStateMachineOptions o;
  o.db_path = tmp.Sub("kv.db");
  o.definition = &testing::KvDbDefinition();
  o.transaction_info_table = testing::kKvTransactionInfoTable;
  o.sync = false;
  auto sm = DbStateMachine::Open(o, &h, nullptr);
  ASSERT_TRUE(sm.ok()) << sm.status();
  ASSERT_TRUE((*sm)->Apply(Normal(1, "put a 1")).ok());
  ASSERT_TRUE((*sm)->Apply(Normal(2, "svcsave ContainerBalancer shouldRun=true")).ok());
  EXPECT_EQ(*h.service_configs().Read(*(*sm)->db(), "ContainerBalancer"), "shouldRun=true");
  EXPECT_EQ((*sm)->flushed().index, LogIndex(2));
  ASSERT_TRUE((*sm)->Apply(Normal(3, "svcdel ContainerBalancer")).ok());
  EXPECT_EQ(*h.service_configs().Read(*(*sm)->db(), "ContainerBalancer"), std::nullopt);
}

}  // namespace
}  // namespace ozone::ha
