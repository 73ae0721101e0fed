#include "common/config/units.h"

#include <gtest/gtest.h>

namespace ozone::config {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(UnitsTest, ParsesDurationsWithHadoopSuffixes) {
  EXPECT_EQ(*ParseDuration("5s", TimeUnit::kMilliseconds), seconds(5));
  EXPECT_EQ(*ParseDuration("300ms", TimeUnit::kSeconds), milliseconds(300));
  EXPECT_EQ(*ParseDuration("10m", TimeUnit::kSeconds), std::chrono::minutes(10));
  EXPECT_EQ(*ParseDuration("2h", TimeUnit::kSeconds), std::chrono::hours(2));
  EXPECT_EQ(*ParseDuration("1d", TimeUnit::kSeconds), std::chrono::hours(24));
  EXPECT_EQ(*ParseDuration("7us", TimeUnit::kSeconds), std::chrono::microseconds(7));
  EXPECT_EQ(*ParseDuration("9ns", TimeUnit::kSeconds), nanoseconds(9));
  EXPECT_EQ(*ParseDuration(" 5S ", TimeUnit::kSeconds), seconds(5));
}

TEST(UnitsTest, BareDurationsTakeTheDefaultUnit) {
  EXPECT_EQ(*ParseDuration("2000", TimeUnit::kMilliseconds), seconds(2));
  EXPECT_EQ(*ParseDuration("60", TimeUnit::kSeconds), std::chrono::minutes(1));
}

TEST(UnitsTest, RejectsBadDurations) {
  EXPECT_FALSE(ParseDuration("", TimeUnit::kSeconds).ok());
  EXPECT_FALSE(ParseDuration("abc", TimeUnit::kSeconds).ok());
  EXPECT_FALSE(ParseDuration("-5s", TimeUnit::kSeconds).ok());
  EXPECT_FALSE(ParseDuration("5 parsecs", TimeUnit::kSeconds).ok());
  EXPECT_FALSE(ParseDuration("s", TimeUnit::kSeconds).ok());
}

TEST(UnitsTest, ParsesStorageSizes) {
  EXPECT_EQ(*ParseStorageSize("64MB", StorageUnit::kBytes), 64ull << 20);
  EXPECT_EQ(*ParseStorageSize("1GB", StorageUnit::kBytes), 1ull << 30);
  EXPECT_EQ(*ParseStorageSize("1.5gb", StorageUnit::kBytes), 3ull << 29);
  EXPECT_EQ(*ParseStorageSize("4096", StorageUnit::kBytes), 4096u);
  EXPECT_EQ(*ParseStorageSize("4", StorageUnit::kMB), 4ull << 20);
  EXPECT_EQ(*ParseStorageSize("64m", StorageUnit::kBytes), 64ull << 20);
  EXPECT_EQ(*ParseStorageSize("10KB", StorageUnit::kBytes), 10240u);
  EXPECT_EQ(*ParseStorageSize("1TB", StorageUnit::kBytes), 1ull << 40);
  EXPECT_EQ(*ParseStorageSize("12b", StorageUnit::kMB), 12u);
}

TEST(UnitsTest, RejectsBadSizes) {
  EXPECT_FALSE(ParseStorageSize("MB", StorageUnit::kBytes).ok());
  EXPECT_FALSE(ParseStorageSize("-1MB", StorageUnit::kBytes).ok());
  EXPECT_FALSE(ParseStorageSize("12 apples", StorageUnit::kBytes).ok());
}

}  // namespace
}  // namespace ozone::config
