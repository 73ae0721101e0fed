#include "common/json/proto_json.h"

#include <gtest/gtest.h>

#include "test_message.pb.h"

namespace ozone::json {
namespace {

TEST(ProtoJsonTest, RendersPresentFieldsWithNativeTypes) {
  test::TestRecord r;
  r.set_name("c1");
  r.set_big(-9007199254740993LL);  // beyond double precision: must stay exact
  r.set_ubig(18446744073709551615ULL);
  r.set_flag(false);  // present even though false
  r.set_kind(test::TestRecord::LARGE);
  r.set_blob("hi");
  r.mutable_inner()->set_name("in");
  r.mutable_inner()->add_numbers(1);
  r.add_inners()->set_name("x");
  (*r.mutable_counts())["k"] = 3;
  r.add_tags("t1");

  Json j = ProtoToJson(r);
  EXPECT_EQ(j["name"], "c1");
  EXPECT_EQ(j["big"].get<int64_t>(), -9007199254740993LL);
  EXPECT_EQ(j["ubig"].get<uint64_t>(), 18446744073709551615ULL);
  EXPECT_EQ(j["flag"], false);
  EXPECT_EQ(j["kind"], "LARGE");
  EXPECT_EQ(j["blob"], "aGk=");
  EXPECT_EQ(j["inner"]["numbers"][0], 1);
  EXPECT_EQ(j["inners"][0]["name"], "x");
  EXPECT_EQ(j["counts"]["k"], 3);
  EXPECT_EQ(j["tags"][0], "t1");
  EXPECT_FALSE(j.contains("ratio"));  // absent fields are omitted
  // Field order follows the message definition.
  EXPECT_EQ(j.begin().key(), "name");
}

TEST(ProtoJsonTest, EmptyMessageIsEmptyObject) {
  EXPECT_EQ(PrettyPrint(ProtoToJson(test::TestRecord())), "{ }");
}

}  // namespace
}  // namespace ozone::json
