// LogSegment: one segment file of a SegmentedLog, either closed ("log_<first>-<last>", read-only,
// exactly its records) or the open one ("log_inprogress_<first>", preallocated, appended to).
//
// It knows where each of its records starts (`offsets`), so that reading entry i is one pread,
// and how many bytes of it are in the file, preallocated and not yet synced.
//
// Thread-safety: not synchronized. SegmentedLog guards the record offsets with its reader lock
// and calls the mutating methods from its writer only; Read (a pread) may run concurrently with
// writes beyond the bytes it reads.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ha/raft/log/direct_appender.h"
#include "ha/raft/log/log_format.h"
#include "ha/raft/types.h"

namespace ozone::raft {

// How a segment grows and is written: preallocated `chunk` bytes at a time, never beyond `limit`
// (the maximum segment size) unless a record needs it; with `direct_io`, records are written by
// a DirectAppender (durable when written) where the file system allows it.
struct SegmentOptions {
  uint64_t chunk = 0;
  uint64_t limit = 0;
  bool direct_io = false;
};

// I/O counted by the segments of one log (read by SegmentedLog::stats()).
struct SegmentIoCounters {
  std::atomic<uint64_t> writes{0};         // pwrite calls
  std::atomic<uint64_t> bytes_written{0};  // bytes of records and headers written
  std::atomic<uint64_t> data_syncs{0};     // fdatasync calls on segment files, and direct writes
                                           // (each durable itself)
  std::atomic<uint64_t> direct_writes{0};  // writes of records by a DirectAppender
  std::atomic<uint64_t> reads{0};          // pread calls serving Read
};

class LogSegment {
 public:
  // Creates the open segment `dir/log_inprogress_<header.first_index>` durably: the header is
  // written to a temp file, one preallocation chunk allocated, synced, then renamed in place and
  // the directory synced, so that an open segment never lacks its header.
  static Result<std::unique_ptr<LogSegment>> Create(const std::string& dir,
                                                    const log_format::SegmentHeader& header,
                                                    SegmentOptions options,
                                                    SegmentIoCounters* counters);
  // Opens an existing segment file (for recovery). Its records are not read here (see
  // ScanSegment); the segment holds no records until SetRecovered.
  static Result<std::unique_ptr<LogSegment>> OpenExisting(const std::string& dir,
                                                          const log_format::SegmentName& name,
                                                          SegmentOptions options,
                                                          SegmentIoCounters* counters);
  ~LogSegment();
  LogSegment(const LogSegment&) = delete;
  LogSegment& operator=(const LogSegment&) = delete;

  // What recovery found: the header, where records start (plus the end of the last one) and
  // the file's size.
  void SetRecovered(const log_format::SegmentHeader& header, std::vector<uint32_t> offsets,
                    uint64_t file_size);

  int fd() const { return fd_; }
  std::string path() const { return dir_ + "/" + name_; }
  bool is_open() const { return is_open_; }
  LogIndex first_index() const { return first_; }
  Term prev_term() const { return prev_term_; }
  size_t entry_count() const { return offsets_.size() - 1; }
  // first_index() - 1 when empty.
  LogIndex last_index() const { return first_ + entry_count() - 1; }
  bool Contains(LogIndex index) const { return index >= first_ && index <= last_index(); }
  // Where the record of `index` starts / ends. REQUIRES: Contains(index).
  uint64_t RecordStart(LogIndex index) const { return offsets_[index - first_]; }
  uint64_t RecordEnd(LogIndex index) const { return offsets_[index - first_ + 1]; }
  // The end of the last record (buffered ones included): where the next one goes.
  uint64_t end_offset() const { return offsets_.back(); }
  // Bytes of records actually written to the file.
  uint64_t written_end() const { return written_end_; }
  uint64_t file_size() const { return file_size_; }
  bool unsynced() const { return unsynced_; }

  // Bytes after the last record that are not preallocated zeros (a torn write found by
  // recovery) are cleared: the file is cut after the last record, preallocated again and synced.
  Status ClearTail();

  // Records that a record of `size` bytes follows the last one (its bytes are buffered by the
  // caller and written later with Write).
  void AddRecord(uint32_t size) { offsets_.push_back(offsets_.back() + size); }

  // Writes `bytes` at written_end() (one pwrite), first extending the preallocation when the
  // file is too short. A segment writing directly (direct_io()) makes them durable at once.
  Status Write(std::string_view bytes);
  // Whether Write goes through a DirectAppender (see SegmentOptions).
  bool direct_io() const { return direct_ != nullptr; }
  // fdatasync, if anything was written through the page cache since the last one.
  Status Sync();
  // Drops the records from `index` on (index may be last_index() + 1: nothing dropped). Records
  // still buffered by the caller are dropped from the offsets only; if written records go, the
  // file is cut at the record's start, preallocated again (so that the space reads as zeros)
  // and synced before this returns, so that no stale record can reappear after a crash.
  Status TruncateFrom(LogIndex index);
  // Makes the open segment closed: cuts the file at the end of its records, syncs it, renames
  // it to log_<first>-<last> and syncs the directory. REQUIRES: every record written.
  Status Close();
  // Makes a closed segment open again (renamed to log_inprogress_<first>), for a truncation.
  Status Reopen();
  // Closes the file and unlinks it. The caller syncs the directory.
  Status Remove();

  // Reads and checks the file's header (Corruption naming the file if damaged).
  Result<log_format::SegmentHeader> ReadHeader() const;

  // Reads `n` bytes at `offset` (counted in SegmentIoCounters::reads). REQUIRES: offset + n <=
  // written_end().
  Status Read(uint64_t offset, size_t n, char* out) const;

 private:
  LogSegment(std::string dir, std::string name, int fd, LogIndex first, bool is_open,
             SegmentOptions options, SegmentIoCounters* counters);
  Status DataSync();
  // Grows the file (preallocated, reading as zeros) so that `needed_end` bytes fit, by at least
  // a chunk when it grows, within the limit when possible.
  Status Preallocate(uint64_t needed_end);
  // Grows the file by a chunk (the space after the records, after a create or a cut).
  Status PreallocateChunk();
  Status Rename(const std::string& new_name);
  // Opens the DirectAppender of an open segment when the options ask for one; the page cache
  // is used where the file system refuses direct I/O.
  Status OpenDirect();
  Status ReadAt(uint64_t offset, size_t n, char* out) const;

  const std::string dir_;
  std::string name_;
  int fd_ = -1;
  LogIndex first_;
  Term prev_term_;
  bool is_open_;
  // offsets_[k] is where the record of first_ + k starts; offsets_.back() is where the next
  // record goes. Never empty: offsets_[0] == kSegmentHeaderSize.
  std::vector<uint32_t> offsets_;
  uint64_t written_end_ = log_format::kSegmentHeaderSize;
  uint64_t file_size_ = 0;
  bool unsynced_ = false;
  const SegmentOptions options_;
  SegmentIoCounters* const counters_;
  std::unique_ptr<DirectAppender> direct_;  // the open segment's, with options_.direct_io
};

}  // namespace ozone::raft
