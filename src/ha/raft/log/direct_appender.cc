#include "ha/raft/log/direct_appender.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ozone::raft {

namespace {

// Writes all of [p, p + n) at `offset`; `flags` as pwritev2's.
Status WriteAll(int fd, const char* p, size_t n, uint64_t offset, int flags) {
  while (n > 0) {
    iovec iov{const_cast<char*>(p), n};
    ssize_t w = ::pwritev2(fd, &iov, 1, static_cast<off_t>(offset), flags);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("direct write", errno);
    }
    // A short direct write ends on a block boundary: the rest goes on from there.
    p += w;
    n -= static_cast<size_t>(w);
    offset += static_cast<uint64_t>(w);
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<DirectAppender>> DirectAppender::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
  if (fd < 0) {
    if (errno == EINVAL) return Status::NotSupported("the file system refuses O_DIRECT");
    return Status::FromErrno("open for direct writes", errno);
  }
  return std::unique_ptr<DirectAppender>(new DirectAppender(fd));
}

DirectAppender::~DirectAppender() {
  ::close(fd_);
  std::free(buf_);
}

Status DirectAppender::Reserve(size_t n, size_t keep) {
  if (n <= capacity_) return Status::OK();
  const size_t capacity = std::max<size_t>(RoundUp(n), 2 * capacity_);
  void* p = nullptr;
  if (::posix_memalign(&p, kBlock, capacity) != 0) {
    return Status::IoError("no memory for a direct write buffer");
  }
  if (keep > 0) std::memcpy(p, buf_, keep);
  std::free(buf_);
  buf_ = static_cast<char*>(p);
  capacity_ = capacity;
  return Status::OK();
}

Status DirectAppender::Append(uint64_t end, std::string_view bytes, const ReadFn& read_head) {
  const uint64_t start = RoundDown(end);
  const size_t head = end - start;
  const size_t used = head + bytes.size();
  const size_t total = RoundUp(used);
  const bool held = held_block_ == start;
  OZ_RETURN_IF_ERROR(Reserve(total, held ? head : 0));
  if (!held && head > 0) OZ_RETURN_IF_ERROR(read_head(start, head, buf_));
  std::memcpy(buf_ + head, bytes.data(), bytes.size());
  std::memset(buf_ + used, 0, total - used);
  held_block_ = kNone;  // if the write fails, what the file holds is unknown
  OZ_RETURN_IF_ERROR(WriteAll(fd_, buf_, total, start, RWF_DSYNC));
  // Keep the new last block (its bytes up to the new end) at the start of the buffer.
  const uint64_t new_end = end + bytes.size();
  const uint64_t last = RoundDown(new_end);
  if (last != start) std::memmove(buf_, buf_ + (last - start), new_end - last);
  held_block_ = last;
  return Status::OK();
}

Status DirectAppender::ZeroFill(uint64_t from, uint64_t to) {
  from = RoundUp(from);
  to = RoundDown(to);
  if (to <= from) return Status::OK();
  constexpr size_t kPiece = size_t{1} << 20;
  void* p = nullptr;
  if (::posix_memalign(&p, kBlock, kPiece) != 0) {
    return Status::IoError("no memory for a direct write buffer");
  }
  std::unique_ptr<void, decltype(&std::free)> zeros(p, &std::free);
  std::memset(p, 0, kPiece);
  for (uint64_t off = from; off < to; off += kPiece) {
    const size_t n = std::min<uint64_t>(kPiece, to - off);
    OZ_RETURN_IF_ERROR(WriteAll(fd_, static_cast<const char*>(p), n, off, 0));
  }
  if (::fdatasync(fd_) != 0) return Status::FromErrno("fdatasync", errno);
  return Status::OK();
}

}  // namespace ozone::raft
