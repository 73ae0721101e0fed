// SegmentedLog: the durable Raft log of one group (a LogStore), in one directory:
//
//   log_<first>-<last>       closed segments, exactly their records (as Ratis names them)
//   log_inprogress_<first>   the open segment, preallocated, appended to
//   hard_state               term, vote, commit (replaced atomically)
//   snapshot_meta            the latest snapshot's index, term and configuration (same)
//   LOCK                     held (flock) while the log is open
//
// Records are framed with a length and a CRC32C (FORMAT.md). Append serializes entries into one
// buffer; Sync writes it with one pwrite and makes it durable with one fdatasync, so a batch of
// appends followed by one Sync costs two syscalls (group commit; LogWriter drives this). The
// open segment is closed and a new one started when it would exceed max_segment_size.
//
// Open() recovers: a torn tail of the open segment (a partial record, a checksum mismatch at the
// end, garbage or zeros after the last record) is cut back to the last valid record; damage
// anywhere else is Corruption naming the file and offset (see segment_scanner.h). Index and term
// continuity are checked across records and segments.
//
// Reads: the most recent entries (at least every entry not yet written to the file, and up to
// cache_bytes more) are served from memory; older ones with one pread per segment touched, found
// through an in-memory index of record offsets. Terms are kept as runs (TermHistory).
//
// Thread-safety: the LogReader methods, LoadState and stats() may be called from any number of
// threads, concurrently with the writer. The mutating methods (Append, Sync, SaveHardState,
// Purge, ResetToSnapshot, SaveSnapshotMeta) are serialized by an internal mutex; they are meant
// to be called by one writer thread (LogWriter). A reader sees a consistent prefix: entries are
// visible once Append returns (before Sync), and stay readable until a truncation, Purge or
// ResetToSnapshot removes them; reads of positions outside [FirstIndex(), LastIndex()] return
// NotFound. After an I/O error the log refuses further writes (the state on disk is unknown
// until it is reopened, which recovers it).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "ha/raft/log/log_segment.h"
#include "ha/raft/log/term_history.h"
#include "ha/raft/log_store.h"

namespace ozone::raft {

struct SegmentedLogOptions {
  // Size at which the open segment is closed and the next one started (Ozone's
  // ozone.scm.ha.ratis.segment.size and ozone.om.ratis.segment.size). A record larger than this
  // gets a segment of its own. At most 1 GiB. Default: 64 MiB.
  uint64_t max_segment_size = uint64_t{64} << 20;
  // Space allocated ahead in the open segment (fallocate), so that appends change no file size
  // and an fdatasync flushes data only; 0 disables preallocation (Ozone's
  // ozone.scm.ha.ratis.segment.preallocated.size). Default: 4 MiB.
  uint64_t preallocate_size = uint64_t{4} << 20;
  // Bytes (Entry::ByteSize) of the most recent written entries kept in memory to serve reads
  // without I/O; entries not yet written to the file are always kept. Default: 16 MiB.
  size_t cache_bytes = size_t{16} << 20;
  // Append writes its buffered records to the file (without syncing) once they exceed this, so
  // memory stays bounded when many appends precede a Sync. Default: 1 MiB.
  size_t write_buffer_size = size_t{1} << 20;
  // Writes records with direct I/O, each write durable when it returns (O_DIRECT and RWF_DSYNC:
  // no page-cache copy, no separate fdatasync), as libraft does; the preallocated space is
  // written with zeros first. Where the file system refuses direct I/O (tmpfs), writes go through
  // the page cache with an fdatasync per batch, as when this is off. Default: true.
  bool direct_io = true;
};

// I/O counters, for tests and metrics.
struct SegmentedLogStats {
  uint64_t appended_entries = 0;
  uint64_t writes = 0;             // pwrite calls on segment files
  uint64_t bytes_written = 0;      // bytes of records written
  uint64_t data_syncs = 0;         // fdatasync calls on segment files, and direct writes
  uint64_t direct_writes = 0;      // writes of records with direct I/O (durable when written)
  uint64_t state_file_writes = 0;  // hard state and snapshot metadata replacements
  uint64_t segments_closed = 0;
  uint64_t segments_removed = 0;  // by Purge, truncations and ResetToSnapshot
  uint64_t disk_reads = 0;        // pread calls serving Read
};

class SegmentedLog final : public LogStore {
 public:
  // Opens (creating if needed) the log in `dir` and recovers it. Busy if another process holds
  // it; Corruption if it is damaged beyond a torn tail.
  static Result<std::unique_ptr<SegmentedLog>> Open(const std::string& dir,
                                                    const SegmentedLogOptions& options = {});
  // Writes and syncs whatever was appended (a clean close); errors are ignored: use Sync first
  // to see them.
  ~SegmentedLog() override;
  SegmentedLog(const SegmentedLog&) = delete;
  SegmentedLog& operator=(const SegmentedLog&) = delete;

  // LogReader.
  LogIndex FirstIndex() const override;
  LogIndex LastIndex() const override;
  Result<Term> TermAt(LogIndex index) const override;
  Status Read(LogIndex lo, LogIndex hi, size_t max_bytes, std::vector<Entry>* out) const override;

  // LogStore. InvalidArgument for entries that are not consecutive, start outside
  // [FirstIndex(), LastIndex() + 1], have a term lower than the entry before them, or carry
  // more than 1 GiB of data.
  Status Append(const std::vector<Entry>& entries) override;
  Status Sync() override;
  Status SaveHardState(const HardState& state) override;
  Status Purge(LogIndex up_to) override;
  Status ResetToSnapshot(const SnapshotMeta& snapshot) override;
  Status SaveSnapshotMeta(const SnapshotMeta& snapshot) override;
  Result<StoredState> LoadState() const override;

  const std::string& dir() const { return dir_; }
  SegmentedLogStats stats() const;

 private:
  SegmentedLog(std::string dir, const SegmentedLogOptions& options, int lock_fd);

  Status Recover();
  Status RecoverSegments(std::vector<log_format::SegmentName> names);

  // Writer side; REQUIRES: write_mu_ held.
  Status Fail(Status status);
  Status TruncateFrom(LogIndex index);
  void Publish(const std::vector<Entry>& entries, size_t begin, size_t end);
  Status Flush();
  Status Rollover();
  Status ResetLog(const SnapshotMeta& snapshot);
  Status RemoveSegmentsAfter(LogIndex index);
  Result<std::unique_ptr<LogSegment>> NewSegment(LogIndex first, Term prev_term);
  SegmentOptions SegmentOpts() const;
  void EvictCache();  // REQUIRES: mu_ held exclusively

  // Reader side; REQUIRES: mu_ held (shared or exclusive).
  const LogSegment* FindSegment(LogIndex index) const;
  Status ReadFromSegment(const LogSegment& segment, LogIndex lo, LogIndex hi,
                         std::vector<Entry>* out) const;

  const std::string dir_;
  const SegmentedLogOptions options_;
  const int lock_fd_;

  // Serializes the mutating methods. Guards buffer_, chunk_sizes_ and failed_. The writer reads
  // the state below without mu_ (it is its only mutator) and takes mu_ exclusively to change it.
  std::mutex write_mu_;
  // Records appended to the open segment but not yet written to it; they start at the open
  // segment's written_end().
  std::string buffer_;
  // Sizes of the records of the entries being appended, not yet published.
  std::vector<uint32_t> chunk_sizes_;
  Status failed_;

  // Guards everything below (except the atomics, written under it and read without it).
  mutable std::shared_mutex mu_;
  // In index order; the last one is open. Never empty once open.
  std::vector<std::unique_ptr<LogSegment>> segments_;
  TermHistory terms_;
  // Entries [cache_first_, LastIndex()], the most recent ones; every entry after
  // written_through_ is here.
  std::deque<Entry> cache_;
  LogIndex cache_first_;
  size_t cache_bytes_ = 0;
  // The last index whose record is in the file (not just buffered).
  LogIndex written_through_;
  // Every kConfig entry in [FirstIndex(), LastIndex()], in index order.
  std::vector<Entry> config_entries_;
  HardState hard_state_;
  SnapshotMeta snapshot_;
  std::atomic<uint64_t> first_index_{1};
  std::atomic<uint64_t> last_index_{0};

  SegmentIoCounters io_;
  std::atomic<uint64_t> appended_entries_{0};
  std::atomic<uint64_t> state_file_writes_{0};
  std::atomic<uint64_t> segments_closed_{0};
  std::atomic<uint64_t> segments_removed_{0};
};

}  // namespace ozone::raft
