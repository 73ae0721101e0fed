#include "om/request/om_name_validator.h"

#include <gtest/gtest.h>

namespace ozone::om {
namespace {

TEST(OmNameValidatorTest, AcceptsOzoneNames) {
  for (std::string name : {std::string("vol1"), std::string("my-bucket"), std::string("a.b.c"),
                           std::string("abc"), std::string(63, 'a')}) {
    EXPECT_EQ(CheckResourceName(name, "Volume"), std::nullopt) << name;
  }
}

TEST(OmNameValidatorTest, RefusesWhatOzoneRefuses) {
  EXPECT_NE(CheckResourceName("ab", "Volume"), std::nullopt);
  EXPECT_NE(CheckResourceName(std::string(64, 'a'), "Volume"), std::nullopt);
  EXPECT_EQ(*CheckResourceName("Vol1", "Volume"),
            "Volume name does not support uppercase characters");
  EXPECT_EQ(*CheckResourceName("-abc", "Bucket"), "Bucket name cannot start with a period or dash");
  EXPECT_EQ(*CheckResourceName("abc.", "Bucket"), "Bucket name cannot end with a period or dash");
  EXPECT_EQ(*CheckResourceName("a..b", "Bucket"),
            "Bucket name should not have two contiguous periods");
  EXPECT_EQ(*CheckResourceName("a-.b", "Bucket"), "Bucket name should not have period after dash");
  EXPECT_EQ(*CheckResourceName("192.168.1.1", "Bucket"),
            "Bucket name cannot be an IPv4 address or all numeric");
  EXPECT_EQ(*CheckResourceName("1234", "Bucket"),
            "Bucket name cannot be an IPv4 address or all numeric");
  EXPECT_NE(CheckResourceName("a_b_c", "Bucket"), std::nullopt);
  EXPECT_EQ(CheckResourceName("a_b_c", "Bucket", /*strict_s3=*/false), std::nullopt);
}

TEST(OmNameValidatorTest, KeyNames) {
  EXPECT_NE(CheckKeyName("", false), std::nullopt);
  EXPECT_EQ(CheckKeyName("dir/file#1", false), std::nullopt);
  EXPECT_NE(CheckKeyName("dir/file#1", true), std::nullopt);
  EXPECT_EQ(CheckKeyName("dir/file-1.txt", true), std::nullopt);
}

}  // namespace
}  // namespace ozone::om
