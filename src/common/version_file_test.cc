#include "common/version_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/io/file_util.h"
#include "common/uuid.h"
#include "tests/testutil/subprocess.h"

namespace ozone {
namespace {

namespace fs = std::filesystem;

class VersionFileTest : public ::testing::Test {
 protected:
  testutil::TempDir tmp_;
  fs::path dir_{tmp_.path()};
};

TEST_F(VersionFileTest, WritesOzoneFormatAndReadsItBack) {
  ManualClock clock(1615889973116);  // Tue Mar 16 10:19:33 UTC 2021
  std::string path = VersionFile::PathFor(dir_.string(), NodeType::kScm);
  EXPECT_EQ(path, dir_.string() + "/scm/current/VERSION");

  VersionFile f = VersionFile::Create(NodeType::kScm, "CID-130fb246-1717-4313-9b62-9ddfe1bcb2e7",
                                      clock.WallMillis(), 0);
  f.Set(VersionFile::kScmUuid, "e6877ce5-56cd-4f0b-ad60-4c8ef9000882");
  ASSERT_TRUE(f.Save(path, clock).ok());

  auto text = io::ReadFile(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text,
            "#Tue Mar 16 10:19:33 UTC 2021\n"
            "cTime=1615889973116\n"
            "clusterID=CID-130fb246-1717-4313-9b62-9ddfe1bcb2e7\n"
            "nodeType=SCM\n"
            "layoutVersion=0\n"
            "scmUuid=e6877ce5-56cd-4f0b-ad60-4c8ef9000882\n");
  EXPECT_FALSE(fs::exists(path + ".tmp"));

  auto loaded = VersionFile::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->node_type(), NodeType::kScm);
  EXPECT_EQ(loaded->cluster_id(), "CID-130fb246-1717-4313-9b62-9ddfe1bcb2e7");
  EXPECT_EQ(loaded->ctime(), 1615889973116);
  EXPECT_EQ(loaded->layout_version(), 0);
  EXPECT_EQ(loaded->Get(VersionFile::kScmUuid), "e6877ce5-56cd-4f0b-ad60-4c8ef9000882");
  EXPECT_EQ(loaded->properties(), f.properties());
}

TEST_F(VersionFileTest, ReadsTheSeedDocumentExample) {
  std::string path = (dir_ / "VERSION").string();
  ASSERT_TRUE(io::WriteFileAtomically(path,
                                      "#Tue Mar 16 10:19:33 UTC 2021\n"
                                      "cTime=1615889973116\n"
                                      "clusterID=CID-130fb246-1717-4313-9b62-9ddfe1bcb2e7\n"
                                      "nodeType=SCM\n"
                                      "scmUuid=e6877ce5-56cd-4f0b-ad60-4c8ef9000882\n"
                                      "layoutVersion=0\n")
                  .ok());
  auto f = VersionFile::Load(path);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->cluster_id(), "CID-130fb246-1717-4313-9b62-9ddfe1bcb2e7");
}

TEST_F(VersionFileTest, MissingAndCorruptFilesAreClearErrors) {
  auto missing = VersionFile::Load((dir_ / "nope").string());
  EXPECT_TRUE(missing.status().IsNotFound());

  std::string path = (dir_ / "VERSION").string();
  ASSERT_TRUE(io::WriteFileAtomically(path, "nodeType=SCM\ncTime=1\nlayoutVersion=0\n").ok());
  auto corrupt = VersionFile::Load(path);
  EXPECT_TRUE(corrupt.status().IsCorruption());
  EXPECT_NE(corrupt.status().message().find("clusterID"), std::string::npos);
  EXPECT_NE(corrupt.status().message().find(path), std::string::npos);
}

TEST_F(VersionFileTest, SaveReplacesAtomically) {
  std::string path = VersionFile::PathFor(dir_.string(), NodeType::kOm);
  auto a = VersionFile::Create(NodeType::kOm, "CID-a", 1, 0);
  ASSERT_TRUE(a.Save(path).ok());
  auto b = VersionFile::Create(NodeType::kOm, "CID-b", 2, 0);
  b.Set(VersionFile::kOmUuid, Uuid::Random().ToString());
  ASSERT_TRUE(b.Save(path).ok());
  auto loaded = VersionFile::Load(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->cluster_id(), "CID-b");
  EXPECT_EQ(loaded->node_type(), NodeType::kOm);
}

TEST(JavaDateStringTest, FormatsLikeJavaDate) {
  ManualClock clock(0);
  EXPECT_EQ(JavaDateString(clock.WallNow()), "Thu Jan 01 00:00:00 UTC 1970");
}

}  // namespace
}  // namespace ozone
