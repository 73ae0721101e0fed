// DirectAppender: appends records to a segment file with direct, synchronous writes (O_DIRECT,
// each write made durable by RWF_DSYNC), the way libraft writes its log: a write is durable when
// it returns, without a copy through the page cache and without a separate fdatasync.
//
// Direct I/O moves whole blocks, so the appender holds the file's last partial block in an
// aligned buffer and rewrites it with the new bytes after it; the rest of the last block is
// written as zeros, which is how preallocated space reads, so recovery sees the same file.
//
// ZeroFill initializes new space with written zeros (and one fdatasync): records written into it
// later then convert no unwritten extent, a metadata write that every durable write into
// fallocate'd space would otherwise carry.
//
// Not every file system takes O_DIRECT (tmpfs refuses it): Open then fails with NotSupported and
// the segment writes through the page cache instead.
//
// Thread-safety: not synchronized; its LogSegment's writer calls it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ozone::raft {

class DirectAppender {
 public:
  // The unit of direct I/O (the page size; a multiple of every device's logical block).
  static constexpr uint64_t kBlock = 4096;

  // Reads `n` bytes of the file at `offset` into `out`.
  using ReadFn = std::function<Status(uint64_t offset, size_t n, char* out)>;

  // Opens `path` for direct writes. NotSupported if its file system refuses O_DIRECT. Errors
  // name neither the file nor the segment: the caller adds them.
  static Result<std::unique_ptr<DirectAppender>> Open(const std::string& path);
  ~DirectAppender();
  DirectAppender(const DirectAppender&) = delete;
  DirectAppender& operator=(const DirectAppender&) = delete;

  // Writes `bytes` at `end` (the end of the file's records) durably, as the whole blocks from the
  // one holding `end`, zeros after the bytes. The bytes of that block before `end` come from the
  // held block, or from `read_head` when it is not held (the first append, or after Forget).
  // REQUIRES: the file extends at least to RoundUp(end + bytes.size()).
  Status Append(uint64_t end, std::string_view bytes, const ReadFn& read_head);
  // The file changed under the held block (it was cut): the next Append reads it again.
  void Forget() { held_block_ = kNone; }
  // Writes zeros over the whole blocks inside [from, to), then fdatasync.
  Status ZeroFill(uint64_t from, uint64_t to);

  static uint64_t RoundDown(uint64_t n) { return n & ~(kBlock - 1); }
  static uint64_t RoundUp(uint64_t n) { return RoundDown(n + kBlock - 1); }

 private:
  explicit DirectAppender(int fd) : fd_(fd) {}
  // Makes the buffer hold at least `n` bytes, keeping its first `keep`.
  Status Reserve(size_t n, size_t keep);

  static constexpr uint64_t kNone = ~uint64_t{0};
  const int fd_;
  char* buf_ = nullptr;  // kBlock-aligned; starts with the held block's bytes
  size_t capacity_ = 0;
  uint64_t held_block_ = kNone;  // file offset of the block at the start of buf_
};

}  // namespace ozone::raft
