#include "storage/codec.h"

#include <gtest/gtest.h>

#include "test_message.pb.h"

namespace ozone::storage {
namespace {

TEST(CodecTest, Uint64IsBigEndianAndOrderPreserving) {
  EXPECT_EQ(Uint64Codec::Encode(1), std::string("\0\0\0\0\0\0\0\1", 8));
  EXPECT_LT(Uint64Codec::Encode(255), Uint64Codec::Encode(256));
  EXPECT_LT(Uint64Codec::Encode(1ull << 40), Uint64Codec::Encode((1ull << 40) + 1));
  EXPECT_EQ(*Uint64Codec::Decode(Uint64Codec::Encode(123456789012345ull)), 123456789012345ull);
  EXPECT_TRUE(Uint64Codec::Decode("short").status().IsCorruption());
  EXPECT_EQ(*Uint64Codec::FromText(" 42 "), 42u);
  EXPECT_FALSE(Uint64Codec::FromText("x").ok());
}

TEST(CodecTest, ProtoRoundTripsAndRejectsGarbage) {
  test::TestRecord r;
  r.set_name("n");
  r.set_big(7);
  auto back = ProtoCodec<test::TestRecord>::Decode(ProtoCodec<test::TestRecord>::Encode(r));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->name(), "n");
  EXPECT_TRUE(ProtoCodec<test::TestRecord>::Decode("\xff\xff\xff").status().IsCorruption());
  EXPECT_EQ(ProtoCodec<test::TestRecord>::Name(), "TestRecord");
}

TEST(CodecTest, FieldCodecErasesTypes) {
  auto key = MakeFieldCodec<Uint64Codec>();
  auto value = MakeFieldCodec<ProtoCodec<test::TestRecord>>();
  EXPECT_EQ(*key->TextToBytes("5"), Uint64Codec::Encode(5));
  EXPECT_EQ(*key->BytesToJson(Uint64Codec::Encode(5)), json::Json(5));
  test::TestRecord r;
  r.set_name("x");
  EXPECT_EQ((*value->BytesToJson(r.SerializeAsString()))["name"], "x");
  EXPECT_FALSE(value->TextToBytes("x").ok());
  EXPECT_EQ(MakeFieldCodec<StringCodec>()->TypeName(), "String");
}

}  // namespace
}  // namespace ozone::storage

namespace ozone::storage {
namespace {

TEST(CodecTest, FieldPathsAreCheckedAgainstTheSchema) {
  auto value = MakeFieldCodec<ProtoCodec<test::TestRecord>>();
  EXPECT_TRUE(value->CheckFieldPath({"name"}).ok());
  EXPECT_TRUE(value->CheckFieldPath({"inner", "name"}).ok());
  EXPECT_TRUE(value->CheckFieldPath({"inners", "numbers"}).ok());
  EXPECT_FALSE(value->CheckFieldPath({"nope"}).ok());
  EXPECT_FALSE(value->CheckFieldPath({"name", "deeper"}).ok());
  EXPECT_FALSE(MakeFieldCodec<StringCodec>()->CheckFieldPath({"x"}).ok());
  EXPECT_TRUE(MakeFieldCodec<StringCodec>()->CheckFieldPath({}).ok());
}

}  // namespace
}  // namespace ozone::storage
