#include "tools/debug/ldb/record_filter.h"

#include <gtest/gtest.h>

#include "tools/debug/ldb/field_selector.h"

namespace ozone::tools::ldb {
namespace {

using json::Json;

Status AnyPath(const std::vector<std::string>&) { return Status::OK(); }

Json Key(const std::string& name, int64_t size, std::vector<std::string> acl_names) {
  Json acls = Json::array();
  for (const auto& n : acl_names) acls.push_back(Json{{"type", "USER"}, {"name", n}});
  return Json{{"keyName", name}, {"dataSize", size}, {"acls", acls}};
}

TEST(RecordFilterTest, ComparesTextNumbersAndRegex) {
  Json k = Key("key12", 1000, {"alice"});
  EXPECT_TRUE(*(*RecordFilter::Parse("dataSize:equals:1000", AnyPath)).Matches(k));
  EXPECT_FALSE(*(*RecordFilter::Parse("dataSize:equals:999", AnyPath)).Matches(k));
  EXPECT_TRUE(*(*RecordFilter::Parse("dataSize:lesser:1000", AnyPath)).Matches(k));
  EXPECT_FALSE(*(*RecordFilter::Parse("dataSize:lesser:999", AnyPath)).Matches(k));
  EXPECT_TRUE(*(*RecordFilter::Parse("dataSize:GREATER:500", AnyPath)).Matches(k));
  EXPECT_TRUE(*(*RecordFilter::Parse("keyName:regex:^key1", AnyPath)).Matches(k));
  EXPECT_FALSE(*(*RecordFilter::Parse("keyName:regex:^x", AnyPath)).Matches(k));
  // A range on one field.
  EXPECT_TRUE(
      *(*RecordFilter::Parse("dataSize:greater:500,dataSize:lesser:2000", AnyPath)).Matches(k));
  // AND of several.
  EXPECT_FALSE(
      *(*RecordFilter::Parse("keyName:regex:key,dataSize:greater:2000", AnyPath)).Matches(k));
}

TEST(RecordFilterTest, NestedFieldsMatchAnyElement) {
  auto f = *RecordFilter::Parse("acls.name:equals:bob", AnyPath);
  EXPECT_TRUE(*f.Matches(Key("k", 1, {"alice", "bob"})));
  EXPECT_FALSE(*f.Matches(Key("k", 1, {"alice"})));
  // A record without the field is not excluded.
  EXPECT_TRUE(*f.Matches(Json{{"keyName", "k"}}));
}

TEST(RecordFilterTest, BadSpecsAreErrors) {
  EXPECT_FALSE(RecordFilter::Parse("dataSize:equals", AnyPath).ok());
  EXPECT_FALSE(RecordFilter::Parse("dataSize:between:1", AnyPath).ok());
  EXPECT_FALSE(RecordFilter::Parse("dataSize:lesser:abc", AnyPath).ok());
  EXPECT_FALSE(RecordFilter::Parse("keyName:regex:[", AnyPath).ok());
  EXPECT_FALSE(RecordFilter::Parse("a:equals:1,a.b:equals:2", AnyPath).ok());
  EXPECT_FALSE(RecordFilter::Parse("a.b:equals:1,a:equals:2", AnyPath).ok());
  auto reject = [](const std::vector<std::string>& p) {
    return p[0] == "nope" ? Status::InvalidArgument("Invalid field") : Status::OK();
  };
  EXPECT_FALSE(RecordFilter::Parse("nope:equals:1", reject).ok());
  // Numeric comparison on text fails at match time.
  auto f = *RecordFilter::Parse("keyName:lesser:5", AnyPath);
  EXPECT_FALSE(f.Matches(Key("k", 1, {})).ok());
  // A value may contain ':'.
  EXPECT_TRUE(
      *(*RecordFilter::Parse("keyName:equals:a:b", AnyPath)).Matches(Json{{"keyName", "a:b"}}));
}

TEST(FieldSelectorTest, KeepsNamedFieldsInRecordOrder) {
  auto s = *FieldSelector::Parse("acls.name,keyName", AnyPath);
  Json projected = s.Project(Key("k1", 5, {"alice", "bob"}));
  EXPECT_EQ(projected,
            (Json{{"keyName", "k1"},
                  {"acls", Json::array({Json{{"name", "alice"}}, Json{{"name", "bob"}}})}}));
  EXPECT_EQ(projected.begin().key(), "keyName");
  EXPECT_FALSE(FieldSelector::Parse("a..b", AnyPath).ok());
}

}  // namespace
}  // namespace ozone::tools::ldb
