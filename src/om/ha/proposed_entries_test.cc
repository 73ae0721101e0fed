#include "om/ha/proposed_entries.h"

#include <gtest/gtest.h>

namespace ozone::om {
namespace {

OMLogEntry Entry(uint64_t call_id) {
  OMLogEntry e;
  e.set_version(1);
  e.set_leadertimemillis(1000 + call_id);
  e.mutable_request()->set_cmdtype(CreateVolume);
  e.mutable_request()->set_clientid("client");
  e.mutable_request()->set_callid(call_id);
  return e;
}

TEST(ProposedEntriesTest, AnEntryIsTakenOnceByItsExactBytes) {
  ProposedEntries p;
  OMLogEntry e = Entry(1);
  const std::string bytes = e.SerializeAsString();
  p.Keep(bytes, e);
  EXPECT_FALSE(p.Take(Entry(2).SerializeAsString()).has_value());
  EXPECT_FALSE(p.Take(bytes.substr(1)).has_value());
  auto taken = p.Take(bytes);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->SerializeAsString(), bytes);
  EXPECT_FALSE(p.Take(bytes).has_value());
  EXPECT_EQ(p.size(), 0u);
}

TEST(ProposedEntriesTest, IdenticalEntriesAreEachTaken) {
  ProposedEntries p;
  const std::string bytes = Entry(1).SerializeAsString();
  p.Keep(bytes, Entry(1));
  p.Keep(bytes, Entry(1));
  EXPECT_TRUE(p.Take(bytes).has_value());
  EXPECT_TRUE(p.Take(bytes).has_value());
  EXPECT_FALSE(p.Take(bytes).has_value());
}

TEST(ProposedEntriesTest, EntriesNeverTakenAreDroppedOldestFirst) {
  ProposedEntries p;
  const uint64_t n = ProposedEntries::kMaxKept + 1;
  for (uint64_t i = 0; i < n; ++i) p.Keep(Entry(i).SerializeAsString(), Entry(i));
  EXPECT_LE(p.size(), ProposedEntries::kMaxKept);
  EXPECT_FALSE(p.Take(Entry(0).SerializeAsString()).has_value());
  EXPECT_TRUE(p.Take(Entry(n - 1).SerializeAsString()).has_value());
}

}  // namespace
}  // namespace ozone::om
