#include "ha/raft/log/log_segment.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <mutex>

#include "common/io/file_util.h"
#include "common/latency_breakdown.h"
#include "common/logging.h"

namespace ozone::raft {

using log_format::kSegmentHeaderSize;

namespace {

Status WriteFully(int fd, const char* p, size_t n, uint64_t offset, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("write " + path, errno);
    }
    p += w;
    n -= static_cast<size_t>(w);
    offset += static_cast<uint64_t>(w);
  }
  return Status::OK();
}

}  // namespace

LogSegment::LogSegment(std::string dir, std::string name, int fd, LogIndex first, bool is_open,
                       SegmentOptions options, SegmentIoCounters* counters)
    : dir_(std::move(dir)),
      name_(std::move(name)),
      fd_(fd),
      first_(first),
      is_open_(is_open),
      offsets_{static_cast<uint32_t>(kSegmentHeaderSize)},
      options_(options),
      counters_(counters) {}

Status LogSegment::DataSync() {
  ProbeMark(WriteStage::kLogSyncStarted);
  counters_->data_syncs.fetch_add(1, std::memory_order_relaxed);
  if (::fdatasync(fd_) != 0) return Status::FromErrno("fdatasync " + path(), errno);
  return Status::OK();
}

LogSegment::~LogSegment() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<LogSegment>> LogSegment::Create(const std::string& dir,
                                                       const log_format::SegmentHeader& header,
                                                       SegmentOptions options,
                                                       SegmentIoCounters* counters) {
  const std::string name = log_format::OpenSegmentName(header.first_index);
  const std::string tmp = dir + "/" + name + ".tmp";
  int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("create " + tmp, errno);
  std::unique_ptr<LogSegment> segment(new LogSegment(dir, name + ".tmp", fd, header.first_index,
                                                     /*is_open=*/true, options, counters));
  segment->prev_term_ = header.prev_term;
  char bytes[kSegmentHeaderSize];
  log_format::EncodeSegmentHeader(header, bytes);
  OZ_RETURN_IF_ERROR(WriteFully(fd, bytes, sizeof(bytes), 0, tmp));
  segment->file_size_ = kSegmentHeaderSize;
  OZ_RETURN_IF_ERROR(segment->OpenDirect());
  OZ_RETURN_IF_ERROR(segment->PreallocateChunk());
  OZ_RETURN_IF_ERROR(segment->DataSync());
  OZ_RETURN_IF_ERROR(segment->Rename(name));
  OZ_RETURN_IF_ERROR(io::SyncDirectory(dir));
  return segment;
}

Result<std::unique_ptr<LogSegment>> LogSegment::OpenExisting(const std::string& dir,
                                                             const log_format::SegmentName& name,
                                                             SegmentOptions options,
                                                             SegmentIoCounters* counters) {
  const bool is_open = !name.last.has_value();
  const std::string file = is_open ? log_format::OpenSegmentName(name.first)
                                   : log_format::ClosedSegmentName(name.first, *name.last);
  const std::string path = dir + "/" + file;
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open " + path, errno);
  std::unique_ptr<LogSegment> segment(
      new LogSegment(dir, file, fd, name.first, is_open, options, counters));
  if (is_open) OZ_RETURN_IF_ERROR(segment->OpenDirect());
  return segment;
}

Status LogSegment::OpenDirect() {
  if (!options_.direct_io || direct_) return Status::OK();
  auto direct = DirectAppender::Open(path());
  if (direct.ok()) {
    direct_ = std::move(*direct);
    return Status::OK();
  }
  if (direct.status().code() != Status::Code::kNotSupported) {
    return direct.status().WithContext(path());
  }
  static std::once_flag logged;
  std::call_once(logged, [&] {
    spdlog::info("Raft log: {} for {}: writing through the page cache, with fdatasync",
                 direct.status().message(), dir_);
  });
  return Status::OK();
}

void LogSegment::SetRecovered(const log_format::SegmentHeader& header,
                              std::vector<uint32_t> offsets, uint64_t file_size) {
  assert(!offsets.empty());
  prev_term_ = header.prev_term;
  offsets_ = std::move(offsets);
  written_end_ = offsets_.back();
  file_size_ = file_size;
  unsynced_ = false;
}

Status LogSegment::Preallocate(uint64_t needed_end) {
  if (needed_end <= file_size_) return Status::OK();
  const uint64_t new_size =
      std::max(needed_end, std::min(file_size_ + options_.chunk, options_.limit));
  // Mode 0 extends the file size too, so that appends inside the preallocated space change no
  // size and an fdatasync flushes data only; the space reads as zeros.
  if (::fallocate(fd_, 0, static_cast<off_t>(file_size_),
                  static_cast<off_t>(new_size - file_size_)) != 0) {
    if (errno != EOPNOTSUPP && errno != ENOSYS) {
      return Status::FromErrno("fallocate " + path(), errno);
    }
    // A file system without fallocate: a sparse extension reads as zeros all the same.
    if (::ftruncate(fd_, static_cast<off_t>(new_size)) != 0) {
      return Status::FromErrno("ftruncate " + path(), errno);
    }
  }
  // Preallocated space is zero-written for direct writes (a growth without preallocation is
  // left to the writes themselves: zero-writing each block would cost a sync of its own).
  if (direct_ && options_.chunk > 0) {
    OZ_RETURN_IF_ERROR(direct_->ZeroFill(file_size_, new_size).WithContext(path()));
  }
  file_size_ = new_size;
  return Status::OK();
}

Status LogSegment::PreallocateChunk() {
  return options_.chunk > 0 ? Preallocate(file_size_ + 1) : Status::OK();
}

Status LogSegment::Write(std::string_view bytes) {
  assert(is_open_);
  if (bytes.empty()) return Status::OK();
  if (direct_) {
    // The last block is written whole: the file must reach its end.
    OZ_RETURN_IF_ERROR(Preallocate(DirectAppender::RoundUp(written_end_ + bytes.size())));
    OZ_RETURN_IF_ERROR(direct_
                           ->Append(written_end_, bytes,
                                    [this](uint64_t offset, size_t n, char* out) {
                                      return ReadAt(offset, n, out);
                                    })
                           .WithContext(path()));
    counters_->direct_writes.fetch_add(1, std::memory_order_relaxed);
    counters_->data_syncs.fetch_add(1, std::memory_order_relaxed);
  } else {
    OZ_RETURN_IF_ERROR(Preallocate(written_end_ + bytes.size()));
    OZ_RETURN_IF_ERROR(WriteFully(fd_, bytes.data(), bytes.size(), written_end_, path()));
    unsynced_ = true;
  }
  counters_->writes.fetch_add(1, std::memory_order_relaxed);
  counters_->bytes_written.fetch_add(bytes.size(), std::memory_order_relaxed);
  written_end_ += bytes.size();
  return Status::OK();
}

Status LogSegment::Sync() {
  if (!unsynced_) return Status::OK();
  OZ_RETURN_IF_ERROR(DataSync());
  unsynced_ = false;
  return Status::OK();
}

Status LogSegment::TruncateFrom(LogIndex index) {
  assert(index >= first_ && index <= last_index() + 1);
  const uint64_t new_end = offsets_[index - first_];
  offsets_.resize(index - first_ + 1);
  if (new_end >= written_end_) return Status::OK();  // only buffered records went
  if (direct_) direct_->Forget();
  if (::ftruncate(fd_, static_cast<off_t>(new_end)) != 0) {
    return Status::FromErrno("ftruncate " + path(), errno);
  }
  written_end_ = new_end;
  file_size_ = new_end;
  if (is_open_) OZ_RETURN_IF_ERROR(PreallocateChunk());
  OZ_RETURN_IF_ERROR(DataSync());
  unsynced_ = false;
  return Status::OK();
}

Status LogSegment::ClearTail() {
  if (direct_) direct_->Forget();
  if (::ftruncate(fd_, static_cast<off_t>(written_end_)) != 0) {
    return Status::FromErrno("ftruncate " + path(), errno);
  }
  file_size_ = written_end_;
  OZ_RETURN_IF_ERROR(PreallocateChunk());
  return DataSync();
}

Status LogSegment::Close() {
  assert(is_open_ && entry_count() > 0 && written_end_ == end_offset());
  if (file_size_ != written_end_) {
    if (::ftruncate(fd_, static_cast<off_t>(written_end_)) != 0) {
      return Status::FromErrno("ftruncate " + path(), errno);
    }
    file_size_ = written_end_;
  }
  OZ_RETURN_IF_ERROR(DataSync());
  unsynced_ = false;
  direct_.reset();
  OZ_RETURN_IF_ERROR(Rename(log_format::ClosedSegmentName(first_, last_index())));
  is_open_ = false;
  return io::SyncDirectory(dir_);
}

Status LogSegment::Reopen() {
  assert(!is_open_);
  OZ_RETURN_IF_ERROR(Rename(log_format::OpenSegmentName(first_)));
  is_open_ = true;
  OZ_RETURN_IF_ERROR(OpenDirect());
  return io::SyncDirectory(dir_);
}

Status LogSegment::Remove() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  const std::string p = path();
  if (::unlink(p.c_str()) != 0 && errno != ENOENT) return Status::FromErrno("unlink " + p, errno);
  return Status::OK();
}

Status LogSegment::Rename(const std::string& new_name) {
  const std::string from = path();
  const std::string to = dir_ + "/" + new_name;
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Status::FromErrno("rename " + from + " to " + to, errno);
  }
  name_ = new_name;
  return Status::OK();
}

Result<log_format::SegmentHeader> LogSegment::ReadHeader() const {
  char bytes[kSegmentHeaderSize];
  OZ_RETURN_IF_ERROR(ReadAt(0, sizeof(bytes), bytes));
  auto header = log_format::DecodeSegmentHeader(std::string_view(bytes, sizeof(bytes)));
  if (!header.ok()) return header.status().WithContext(path());
  return header;
}

Status LogSegment::Read(uint64_t offset, size_t n, char* out) const {
  counters_->reads.fetch_add(1, std::memory_order_relaxed);
  return ReadAt(offset, n, out);
}

Status LogSegment::ReadAt(uint64_t offset, size_t n, char* out) const {
  while (n > 0) {
    ssize_t r = ::pread(fd_, out, n, static_cast<off_t>(offset));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("read " + path(), errno);
    }
    if (r == 0) {
      return Status::Corruption(path() + ": unexpected end of file at offset " +
                                std::to_string(offset));
    }
    out += r;
    n -= static_cast<size_t>(r);
    offset += static_cast<uint64_t>(r);
  }
  return Status::OK();
}

}  // namespace ozone::raft
