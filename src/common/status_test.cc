#include "common/status.h"

#include <gtest/gtest.h>

#include "common/result.h"

namespace ozone {
namespace {

TEST(StatusTest, OkIsCheapAndDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(s.message().empty());
}

TEST(StatusTest, ErrorsCarryCodeAndMessage) {
  Status s = Status::NotFound("volume vol1");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.message(), "volume vol1");
  EXPECT_EQ(s.ToString(), "NotFound: volume vol1");
  Status copy = s;
  EXPECT_EQ(copy, s);
  EXPECT_EQ(s.WithContext("open").message(), "open: volume vol1");
  EXPECT_TRUE(Status::OK().WithContext("x").ok());
}

TEST(StatusTest, FromErrnoMapsCommonErrors) {
  EXPECT_TRUE(Status::FromErrno("open f", ENOENT).IsNotFound());
  EXPECT_TRUE(Status::FromErrno("mkdir d", EEXIST).IsAlreadyExists());
  EXPECT_TRUE(Status::FromErrno("write f", EIO).IsIoError());
}

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  OZ_ASSIGN_OR_RETURN(int h, Half(x));
  OZ_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(ResultTest, PropagatesErrorsAndValues) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_EQ(Quarter(6).value_or(-1), -1);
}

TEST(ResultTest, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

}  // namespace
}  // namespace ozone
