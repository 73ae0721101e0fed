// Helpers shared by the tests of the Raft log: entries with content derived from their index
// (so any read can be checked), and byte-level access to the files a test damages.
//
// Thread-safety: functions; the file helpers must not race with a writer of the same file.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ha/raft/log/log_format.h"
#include "ha/raft/log/log_test_data.h"
#include "ha/raft/log_store.h"
#include "ha/raft/types.h"

namespace ozone::raft::log_testing {

inline Entry MakeEntry(uint64_t index, uint64_t term, size_t size = 100,
                       EntryType type = EntryType::kNormal) {
  return Entry{Term(term), LogIndex(index), type, MakePayload(DataFor(index, size))};
}

// Entries [first, last] of `term`.
inline std::vector<Entry> MakeEntries(uint64_t first, uint64_t last, uint64_t term,
                                      size_t size = 100) {
  std::vector<Entry> entries;
  for (uint64_t i = first; i <= last; ++i) entries.push_back(MakeEntry(i, term, size));
  return entries;
}

// Every entry in [lo, hi), reading as a follower catching up would (several Reads).
inline std::vector<Entry> ReadAll(const LogReader& log, uint64_t lo, uint64_t hi,
                                  size_t max_bytes = 64 << 10) {
  std::vector<Entry> out;
  while (lo < hi) {
    const size_t before = out.size();
    Status s = log.Read(LogIndex(lo), LogIndex(hi), max_bytes, &out);
    EXPECT_TRUE(s.ok()) << s;
    if (!s.ok() || out.size() == before) break;
    lo += out.size() - before;
  }
  return out;
}

// Whether `e` is the entry MakeEntry(index, term, size) made.
inline ::testing::AssertionResult IsEntry(const Entry& e, uint64_t index, uint64_t term,
                                          size_t size = 100) {
  if (e.index != LogIndex(index)) {
    return ::testing::AssertionFailure() << "index " << e.index << " where " << index;
  }
  if (e.term != Term(term)) {
    return ::testing::AssertionFailure()
           << "entry " << index << " has term " << e.term << " where " << term;
  }
  if (e.bytes() != DataFor(index, size)) {
    return ::testing::AssertionFailure() << "entry " << index << " has other data";
  }
  return ::testing::AssertionSuccess();
}

// Segment file names in `dir`, sorted by first index.
inline std::vector<std::string> SegmentFiles(const std::string& dir) {
  std::vector<std::pair<uint64_t, std::string>> found;
  for (const auto& item : std::filesystem::directory_iterator(dir)) {
    const std::string name = item.path().filename().string();
    if (auto parsed = log_format::ParseSegmentName(name)) {
      found.emplace_back(parsed->first.value(), name);
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> names;
  for (auto& [first, name] : found) names.push_back(name);
  return names;
}

inline std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Overwrites bytes of `path` at `offset` (extending the file if needed).
inline void PatchBytes(const std::string& path, uint64_t offset, const std::string& bytes) {
  std::string content = ReadBytes(path);
  if (content.size() < offset + bytes.size()) content.resize(offset + bytes.size(), '\0');
  content.replace(offset, bytes.size(), bytes);
  WriteBytes(path, content);
}

inline void FlipByte(const std::string& path, uint64_t offset) {
  std::string content = ReadBytes(path);
  ASSERT_LT(offset, content.size());
  content[offset] = static_cast<char>(content[offset] ^ 0x40);
  WriteBytes(path, content);
}

// Where the record of the k-th entry (0-based) of a segment starts, when every entry of the
// segment carries `size` bytes of data.
inline uint64_t RecordOffset(size_t k, size_t size = 100) {
  return log_format::kSegmentHeaderSize + k * log_format::RecordSize(size);
}

}  // namespace ozone::raft::log_testing
