// DirectAppender, and a SegmentedLog writing with direct I/O: the files must hold exactly what
// the page-cache path writes, whatever the block boundaries the records cross.
#include "ha/raft/log/direct_appender.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ha/raft/log/log_test_util.h"
#include "ha/raft/log/segmented_log.h"
#include "tests/testutil/subprocess.h"

namespace ozone::raft {
namespace {

using log_testing::IsEntry;
using log_testing::MakeEntries;
using log_testing::MakeEntry;
using log_testing::ReadAll;
using log_testing::SegmentFiles;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string WithoutTrailingZeros(std::string s) {
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

// Whether files in `dir` can be opened with O_DIRECT.
bool DirectIoWorksIn(const std::string& dir) {
  const std::string probe = dir + "/direct-probe";
  int fd = ::open(probe.c_str(), O_CREAT | O_WRONLY | O_DIRECT | O_CLOEXEC, 0644);
  if (fd >= 0) ::close(fd);
  ::unlink(probe.c_str());
  return fd >= 0;
}

class DirectAppenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!DirectIoWorksIn(tmp_.path())) GTEST_SKIP() << tmp_.path() << " refuses O_DIRECT";
    int fd = ::open(path_.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, "HEADER", 6, 0), 6);
    ASSERT_EQ(::ftruncate(fd, 64 << 10), 0);
    ::close(fd);
  }
  DirectAppender::ReadFn Reader() {
    return [this](uint64_t offset, size_t n, char* out) {
      ++head_reads_;
      std::string all = ReadFile(path_);
      if (offset + n > all.size()) return Status::IoError("short file");
      std::copy_n(all.data() + offset, n, out);
      return Status::OK();
    };
  }

  testutil::TempDir tmp_;
  std::string path_ = tmp_.Sub("segment");
  int head_reads_ = 0;
};

TEST_F(DirectAppenderTest, AppendsKeepEveryEarlierByteAcrossBlocks) {
  auto appender = DirectAppender::Open(path_);
  ASSERT_TRUE(appender.ok()) << appender.status();
  std::string expected = "HEADER";
  // Records inside a block, ending on a boundary, spanning several blocks, tiny ones.
  const size_t sizes[] = {100, 3990, 4096, 9000, 1, 7, 4095, 12000, 33};
  char c = 'a';
  for (size_t size : sizes) {
    std::string bytes(size, c++);
    ASSERT_TRUE((*appender)->Append(expected.size(), bytes, Reader()).ok());
    expected += bytes;
  }
  EXPECT_EQ(head_reads_, 1);  // the header's block, once: later heads are held
  std::string file = ReadFile(path_);
  ASSERT_EQ(file.size(), size_t{64} << 10);
  EXPECT_EQ(file.substr(0, expected.size()), expected);
  EXPECT_EQ(WithoutTrailingZeros(file), expected);  // zeros after the records

  // After a cut the held block is stale: the next append reads the file again.
  expected.resize(expected.size() - 20);
  (*appender)->Forget();
  ASSERT_TRUE((*appender)->Append(expected.size(), "tail", Reader()).ok());
  expected += "tail";
  EXPECT_EQ(head_reads_, 2);
  file = ReadFile(path_);
  EXPECT_EQ(file.substr(0, expected.size()), expected);
}

TEST_F(DirectAppenderTest, ZeroFillWritesTheWholeBlocksInside) {
  auto appender = DirectAppender::Open(path_);
  ASSERT_TRUE(appender.ok()) << appender.status();
  int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
  std::string ones(16 << 10, '\1');
  ASSERT_EQ(::pwrite(fd, ones.data(), ones.size(), 4096), static_cast<ssize_t>(ones.size()));
  ::close(fd);
  ASSERT_TRUE((*appender)->ZeroFill(5000, 17000).ok());  // blocks [8192, 16384)
  const std::string file = ReadFile(path_);
  EXPECT_EQ(file.substr(4096, 4096), std::string(4096, '\1'));
  EXPECT_EQ(file.substr(8192, 8192), std::string(8192, '\0'));
  EXPECT_EQ(file.substr(16384, 4096), std::string(4096, '\1'));
}

// The same appends, truncations, reopens and rollovers with direct I/O on and off.
void Exercise(const std::string& dir, bool direct_io, uint64_t preallocate_size = 8 << 10) {
  SegmentedLogOptions o;
  o.max_segment_size = 24 << 10;
  o.preallocate_size = preallocate_size;
  o.cache_bytes = 0;  // reads go to the files
  o.direct_io = direct_io;
  {
    auto log = SegmentedLog::Open(dir, o);
    ASSERT_TRUE(log.ok()) << log.status();
    for (uint64_t i = 1; i <= 40; ++i) {
      ASSERT_TRUE((*log)->Append({MakeEntry(i, 1, 50 + (i * 397) % 3000)}).ok());
      ASSERT_TRUE((*log)->Sync().ok());
    }
  }
  auto log = SegmentedLog::Open(dir, o);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_TRUE((*log)->Append(MakeEntries(41, 50, 2, 700)).ok());
  ASSERT_TRUE((*log)->Sync().ok());
  ASSERT_TRUE((*log)->Append(MakeEntries(46, 60, 3, 300)).ok());  // cuts 46-50
  ASSERT_TRUE((*log)->Sync().ok());
  auto all = ReadAll(**log, 41, 61);
  ASSERT_EQ(all.size(), 20u);
  EXPECT_TRUE(IsEntry(all[4], 45, 2, 700));
  EXPECT_TRUE(IsEntry(all[19], 60, 3, 300));
  if (direct_io && DirectIoWorksIn(dir)) {
    EXPECT_GT((*log)->stats().direct_writes, 0u);
  } else {
    EXPECT_EQ((*log)->stats().direct_writes, 0u);
  }
}

TEST(SegmentedLogDirectIoTest, FilesAreTheSameWithAndWithoutDirectIo) {
  testutil::TempDir tmp;
  if (!DirectIoWorksIn(tmp.path())) GTEST_SKIP() << tmp.path() << " refuses O_DIRECT";
  // With preallocation, and without (the direct writes then extend the file themselves).
  for (uint64_t preallocate : {uint64_t{8} << 10, uint64_t{0}}) {
    SCOPED_TRACE("preallocate_size " + std::to_string(preallocate));
    const std::string direct = tmp.Sub("direct" + std::to_string(preallocate));
    const std::string cached = tmp.Sub("cached" + std::to_string(preallocate));
    Exercise(direct, true, preallocate);
    Exercise(cached, false, preallocate);
    const auto files = SegmentFiles(direct);
    ASSERT_GT(files.size(), 2u);  // it rolled over
    ASSERT_EQ(files, SegmentFiles(cached));
    for (const std::string& name : files) {
      EXPECT_EQ(WithoutTrailingZeros(ReadFile(direct + "/" + name)),
                WithoutTrailingZeros(ReadFile(cached + "/" + name)))
          << name;
    }
  }
}

TEST(SegmentedLogDirectIoTest, WhereDirectIoIsRefusedTheLogWritesThroughThePageCache) {
  // tmpfs refuses O_DIRECT.
  if (!std::filesystem::is_directory("/dev/shm") || DirectIoWorksIn("/dev/shm")) {
    GTEST_SKIP() << "no file system refusing O_DIRECT at /dev/shm";
  }
  const std::string dir = "/dev/shm/ozone-direct-io-test-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  Exercise(dir, true);
  auto log = SegmentedLog::Open(dir);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ((*log)->LastIndex(), LogIndex(60));
  log->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ozone::raft
