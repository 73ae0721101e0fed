#include "ha/raft/log/segmented_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <filesystem>

#include "common/io/file_util.h"
#include "common/logging.h"
#include "ha/raft/configuration_codec.h"
#include "ha/raft/log/segment_scanner.h"
#include "ha/raft/log/state_file.h"

namespace ozone::raft {

namespace fs = std::filesystem;
using log_format::RecordCheck;
using log_format::RecordSize;
using log_format::RecordView;
using log_format::SegmentName;

namespace {

constexpr char kHardStateFile[] = "hard_state";
constexpr char kSnapshotMetaFile[] = "snapshot_meta";
constexpr char kLockFile[] = "LOCK";
constexpr uint64_t kMinSegmentSize = 1024;
constexpr uint64_t kMaxSegmentSize = uint64_t{1} << 30;

std::string Str(LogIndex i) { return std::to_string(i.value()); }

// Entry::ByteSize of an entry whose record takes `record_size` bytes.
size_t ByteSizeOfRecord(uint64_t record_size) {
  static const size_t kEmptyByteSize = Entry{}.ByteSize();
  return static_cast<size_t>(record_size - RecordSize(0)) + kEmptyByteSize;
}

// Creates `dir` and any missing parents, and syncs the directory above each one created, so that
// a crash cannot lose the log directory itself (with the votes in it).
Status CreateDurably(const std::string& dir) {
  fs::path path = fs::path(dir).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();  // a trailing '/'
  std::vector<fs::path> created;                        // deepest first
  for (fs::path p = path; !p.empty() && !fs::exists(p); p = p.parent_path()) {
    created.push_back(p);
    if (p == p.parent_path()) break;
  }
  OZ_RETURN_IF_ERROR(io::CreateDirectories(dir));
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    const fs::path parent = it->parent_path();
    OZ_RETURN_IF_ERROR(io::SyncDirectory(parent.empty() ? "." : parent.string()));
  }
  return Status::OK();
}

Entry ToEntry(const RecordView& rec) {
  return Entry{rec.term, rec.index, rec.type,
               rec.data.empty() ? nullptr : MakePayload(std::string(rec.data))};
}

}  // namespace

// --- Opening and recovery ------------------------------------------------------------------

Result<std::unique_ptr<SegmentedLog>> SegmentedLog::Open(const std::string& dir,
                                                         const SegmentedLogOptions& options) {
  if (options.max_segment_size < kMinSegmentSize || options.max_segment_size > kMaxSegmentSize) {
    return Status::InvalidArgument("max_segment_size must be within [1 KiB, 1 GiB], not " +
                                   std::to_string(options.max_segment_size));
  }
  OZ_RETURN_IF_ERROR(CreateDurably(dir));
  const std::string lock_path = dir + "/" + kLockFile;
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) return Status::FromErrno("open " + lock_path, errno);
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(lock_fd);
    if (err == EWOULDBLOCK) return Status::Busy("the Raft log in " + dir + " is already open");
    return Status::FromErrno("lock " + lock_path, err);
  }
  std::unique_ptr<SegmentedLog> log(new SegmentedLog(dir, options, lock_fd));
  OZ_RETURN_IF_ERROR(log->Recover());
  return log;
}

SegmentedLog::SegmentedLog(std::string dir, const SegmentedLogOptions& options, int lock_fd)
    : dir_(std::move(dir)), options_(options), lock_fd_(lock_fd) {}

SegmentedLog::~SegmentedLog() {
  {
    std::lock_guard<std::mutex> w(write_mu_);
    if (failed_.ok() && !segments_.empty()) {
      Status s = Flush();
      if (s.ok()) s = segments_.back()->Sync();
      if (!s.ok()) spdlog::warn("closing the Raft log in {}: {}", dir_, s.ToString());
    }
  }
  ::close(lock_fd_);
}

Status SegmentedLog::Recover() {
  std::lock_guard<std::mutex> w(write_mu_);
  const std::string hard_state_path = dir_ + "/" + kHardStateFile;
  OZ_ASSIGN_OR_RETURN(std::optional<std::string> hard_state, ReadStateFile(hard_state_path));
  if (hard_state) {
    auto decoded = DecodeHardState(*hard_state);
    if (!decoded.ok()) return decoded.status().WithContext(hard_state_path);
    hard_state_ = *decoded;
  }
  const std::string snapshot_path = dir_ + "/" + kSnapshotMetaFile;
  OZ_ASSIGN_OR_RETURN(std::optional<std::string> snapshot, ReadStateFile(snapshot_path));
  if (snapshot) {
    auto decoded = DecodeSnapshotMeta(*snapshot);
    if (!decoded.ok()) return decoded.status().WithContext(snapshot_path);
    snapshot_ = *decoded;
  }

  std::vector<SegmentName> names;
  std::vector<fs::path> leftovers;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir_, ec)) {
    const std::string name = item.path().filename().string();
    if (name.ends_with(".tmp")) {
      leftovers.push_back(item.path());
    } else if (auto parsed = log_format::ParseSegmentName(name)) {
      names.push_back(*parsed);
    }
  }
  if (ec) return Status::IoError("cannot list " + dir_ + ": " + ec.message());
  // Segment or state files whose creation a crash interrupted before their rename.
  for (const fs::path& path : leftovers) {
    if (!fs::remove(path, ec) && ec) {
      return Status::IoError("cannot remove " + path.string() + ": " + ec.message());
    }
  }
  OZ_RETURN_IF_ERROR(RecoverSegments(std::move(names)));

  // A snapshot the log does not lead up to means ResetToSnapshot was interrupted between saving
  // the snapshot metadata and replacing the segments: finish it. (A snapshot covers only
  // committed entries, which are durable here, so a log that ends before it or disagrees with
  // its term holds nothing else worth keeping.)
  if (snapshot_.index > LogIndex(0)) {
    const std::optional<Term> term = terms_.TermAt(snapshot_.index);
    if (snapshot_.index > terms_.last() || (term && *term != snapshot_.term)) {
      spdlog::warn("Raft log in {} ends at {} but the snapshot covers {} (term {}): resetting",
                   dir_, terms_.last().value(), snapshot_.index.value(), snapshot_.term.value());
      OZ_RETURN_IF_ERROR(ResetLog(snapshot_));
    }
  }
  return Status::OK();
}

Status SegmentedLog::RecoverSegments(std::vector<SegmentName> names) {
  std::sort(names.begin(), names.end(),
            [](const SegmentName& a, const SegmentName& b) { return a.first < b.first; });
  for (size_t k = 0; k + 1 < names.size(); ++k) {
    if (!names[k].last) {
      return Status::Corruption(dir_ + ": open segment " +
                                log_format::OpenSegmentName(names[k].first) +
                                " is followed by other segments");
    }
  }
  if (names.empty()) {
    // A new log, or one whose ResetToSnapshot stopped after removing the segments.
    OZ_ASSIGN_OR_RETURN(auto segment, NewSegment(snapshot_.index + 1, snapshot_.term));
    segments_.push_back(std::move(segment));
    terms_.Reset(snapshot_.index, snapshot_.term);
  }
  for (const SegmentName& name : names) {
    OZ_ASSIGN_OR_RETURN(auto segment, LogSegment::OpenExisting(dir_, name, SegmentOpts(), &io_));
    std::optional<Term> prev_term;
    if (segments_.empty()) {
      OZ_ASSIGN_OR_RETURN(log_format::SegmentHeader header, segment->ReadHeader());
      terms_.Reset(name.first - 1, header.prev_term);
    } else {
      const LogSegment& previous = *segments_.back();
      if (name.first != previous.last_index() + 1) {
        return Status::Corruption(dir_ + ": " + previous.path() + " ends at index " +
                                  Str(previous.last_index()) + " but the next segment starts at " +
                                  Str(name.first));
      }
      prev_term = terms_.LastTerm();
    }
    auto scan = ScanSegment({segment->path(), segment->fd(), name, prev_term},
                            [this](const RecordView& rec) {
                              terms_.Append(rec.term);
                              if (rec.type == EntryType::kConfig) {
                                config_entries_.push_back(ToEntry(rec));
                              }
                              return Status::OK();
                            });
    if (!scan.ok()) return scan.status();
    segment->SetRecovered(scan->header, std::move(scan->offsets), scan->file_size);
    if (scan->dirty_tail) {
      spdlog::warn("Raft log {}: torn write after index {} (offset {}) cut off", segment->path(),
                   segment->last_index().value(), segment->written_end());
      OZ_RETURN_IF_ERROR(segment->ClearTail());
    }
    segments_.push_back(std::move(segment));
  }
  if (!segments_.back()->is_open()) {
    // The open segment was closed and a crash came before its successor was created.
    OZ_ASSIGN_OR_RETURN(auto segment, NewSegment(terms_.last() + 1, terms_.LastTerm()));
    segments_.push_back(std::move(segment));
  }
  first_index_.store(segments_.front()->first_index().value(), std::memory_order_release);
  last_index_.store(terms_.last().value(), std::memory_order_release);
  written_through_ = terms_.last();
  cache_first_ = terms_.last() + 1;
  return Status::OK();
}

Result<std::unique_ptr<LogSegment>> SegmentedLog::NewSegment(LogIndex first, Term prev_term) {
  return LogSegment::Create(dir_, log_format::SegmentHeader{first, prev_term}, SegmentOpts(), &io_);
}

SegmentOptions SegmentedLog::SegmentOpts() const {
  return SegmentOptions{options_.preallocate_size, options_.max_segment_size, options_.direct_io};
}

// --- Reads ---------------------------------------------------------------------------------

LogIndex SegmentedLog::FirstIndex() const {
  return LogIndex(first_index_.load(std::memory_order_acquire));
}

LogIndex SegmentedLog::LastIndex() const {
  return LogIndex(last_index_.load(std::memory_order_acquire));
}

Result<Term> SegmentedLog::TermAt(LogIndex index) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::optional<Term> term = terms_.TermAt(index);
  if (!term) {
    return Status::NotFound("no term for index " + Str(index) + ": the log holds [" +
                            Str(terms_.start()) + ", " + Str(terms_.last()) + "]");
  }
  return *term;
}

const LogSegment* SegmentedLog::FindSegment(LogIndex index) const {
  auto it = std::upper_bound(
      segments_.begin(), segments_.end(), index,
      [](LogIndex i, const std::unique_ptr<LogSegment>& s) { return i < s->first_index(); });
  if (it == segments_.begin()) return nullptr;
  const LogSegment* segment = (it - 1)->get();
  return segment->Contains(index) ? segment : nullptr;
}

Status SegmentedLog::Read(LogIndex lo, LogIndex hi, size_t max_bytes,
                          std::vector<Entry>* out) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  const LogIndex first = FirstIndex();
  const LogIndex last = LastIndex();
  if (lo > hi) return Status::InvalidArgument("Read [" + Str(lo) + ", " + Str(hi) + ")");
  if (lo < first || hi > last + 1) {
    return Status::NotFound("entries [" + Str(lo) + ", " + Str(hi) + ") are not all in the log [" +
                            Str(first) + ", " + Str(last) + "]");
  }
  size_t bytes = 0;
  LogIndex i = lo;
  while (i < hi && (i == lo || bytes < max_bytes)) {
    if (i >= cache_first_) {
      const Entry& entry = cache_[i - cache_first_];
      out->push_back(entry);
      bytes += entry.ByteSize();
      ++i;
      continue;
    }
    const LogSegment* segment = FindSegment(i);
    if (segment == nullptr) return Status::Internal("no segment holds index " + Str(i));
    // The entries of this segment to read, within the byte budget: one pread for all.
    const LogIndex end = std::min({hi, segment->last_index() + 1, cache_first_});
    LogIndex j = i;
    while (j < end && (j == lo || bytes < max_bytes)) {
      bytes += ByteSizeOfRecord(segment->RecordEnd(j) - segment->RecordStart(j));
      ++j;
    }
    OZ_RETURN_IF_ERROR(ReadFromSegment(*segment, i, j, out));
    i = j;
  }
  return Status::OK();
}

Status SegmentedLog::ReadFromSegment(const LogSegment& segment, LogIndex lo, LogIndex hi,
                                     std::vector<Entry>* out) const {
  const uint64_t start = segment.RecordStart(lo);
  std::string bytes(segment.RecordEnd(hi - 1) - start, '\0');
  OZ_RETURN_IF_ERROR(segment.Read(start, bytes.size(), bytes.data()));
  std::string_view rest(bytes);
  for (LogIndex i = lo; i < hi; ++i) {
    RecordView rec;
    const RecordCheck check = log_format::ParseRecord(rest, &rec);
    if (check != RecordCheck::kValid || rec.index != i) {
      return Status::Corruption(segment.path() + ": bad record of index " + Str(i) + " at offset " +
                                std::to_string(segment.RecordStart(i)));
    }
    out->push_back(ToEntry(rec));
    rest.remove_prefix(rec.size);
  }
  return Status::OK();
}

Result<StoredState> SegmentedLog::LoadState() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  StoredState state;
  state.hard_state = hard_state_;
  state.snapshot = snapshot_;
  for (const Entry& entry : config_entries_) {
    if (entry.index > snapshot_.index) state.config_entries.push_back(entry);
  }
  return state;
}

SegmentedLogStats SegmentedLog::stats() const {
  SegmentedLogStats s;
  s.appended_entries = appended_entries_.load(std::memory_order_relaxed);
  s.writes = io_.writes.load(std::memory_order_relaxed);
  s.bytes_written = io_.bytes_written.load(std::memory_order_relaxed);
  s.data_syncs = io_.data_syncs.load(std::memory_order_relaxed);
  s.direct_writes = io_.direct_writes.load(std::memory_order_relaxed);
  s.state_file_writes = state_file_writes_.load(std::memory_order_relaxed);
  s.segments_closed = segments_closed_.load(std::memory_order_relaxed);
  s.segments_removed = segments_removed_.load(std::memory_order_relaxed);
  s.disk_reads = io_.reads.load(std::memory_order_relaxed);
  return s;
}

// --- Writes --------------------------------------------------------------------------------

Status SegmentedLog::Fail(Status status) {
  if (!status.ok() && failed_.ok()) {
    failed_ = status.WithContext("the Raft log in " + dir_ + " failed; reopen it to recover");
  }
  return status;
}

Status SegmentedLog::Append(const std::vector<Entry>& entries) {
  if (entries.empty()) return Status::OK();
  std::lock_guard<std::mutex> w(write_mu_);
  OZ_RETURN_IF_ERROR(failed_);
  const LogIndex start = entries.front().index;
  const LogIndex first = FirstIndex();
  const LogIndex last = LastIndex();
  if (start < first || start > last + 1) {
    return Status::InvalidArgument("entries starting at " + Str(start) +
                                   " do not continue the log [" + Str(first) + ", " + Str(last) +
                                   "]");
  }
  Term prev_term = *terms_.TermAt(start - 1);
  for (size_t k = 0; k < entries.size(); ++k) {
    const Entry& e = entries[k];
    if (e.index != start + k) {
      return Status::InvalidArgument("entries are not consecutive at " + Str(e.index));
    }
    if (e.term < prev_term) {
      return Status::InvalidArgument("entry " + Str(e.index) + " has term " +
                                     std::to_string(e.term.value()) + " below the previous " +
                                     std::to_string(prev_term.value()));
    }
    if (e.bytes().size() > log_format::kMaxDataSize) {
      return Status::InvalidArgument("entry " + Str(e.index) + " is larger than 1 GiB");
    }
    if (static_cast<uint8_t>(e.type) > static_cast<uint8_t>(EntryType::kConfig)) {
      return Status::InvalidArgument("entry " + Str(e.index) + " has an unknown type");
    }
    prev_term = e.term;
  }
  if (start <= last) OZ_RETURN_IF_ERROR(Fail(TruncateFrom(start)));

  size_t begin = 0;  // entries [begin, k) are encoded but not yet published
  for (size_t k = 0; k < entries.size(); ++k) {
    const size_t size = RecordSize(entries[k].bytes().size());
    const LogSegment& open = *segments_.back();
    const bool has_records = open.entry_count() + (k - begin) > 0;
    if (has_records && open.written_end() + buffer_.size() + size > options_.max_segment_size) {
      Publish(entries, begin, k);
      begin = k;
      OZ_RETURN_IF_ERROR(Fail(Rollover()));
    }
    const size_t pos = buffer_.size();
    buffer_.resize(pos + size);
    log_format::EncodeRecord(entries[k], buffer_.data() + pos);
    chunk_sizes_.push_back(static_cast<uint32_t>(size));
    if (buffer_.size() >= options_.write_buffer_size) {
      Publish(entries, begin, k + 1);
      begin = k + 1;
      OZ_RETURN_IF_ERROR(Fail(Flush()));
    }
  }
  Publish(entries, begin, entries.size());
  appended_entries_.fetch_add(entries.size(), std::memory_order_relaxed);
  return Status::OK();
}

void SegmentedLog::Publish(const std::vector<Entry>& entries, size_t begin, size_t end) {
  assert(chunk_sizes_.size() == end - begin);
  if (begin == end) return;
  std::unique_lock<std::shared_mutex> lock(mu_);
  LogSegment& open = *segments_.back();
  for (size_t k = begin; k < end; ++k) {
    const Entry& e = entries[k];
    open.AddRecord(chunk_sizes_[k - begin]);
    terms_.Append(e.term);
    cache_.push_back(e);
    cache_bytes_ += e.ByteSize();
    if (e.type == EntryType::kConfig) config_entries_.push_back(e);
  }
  last_index_.store(entries[end - 1].index.value(), std::memory_order_release);
  chunk_sizes_.clear();
}

Status SegmentedLog::Flush() {
  assert(chunk_sizes_.empty());
  if (buffer_.empty()) return Status::OK();
  LogSegment& open = *segments_.back();
  OZ_RETURN_IF_ERROR(open.Write(buffer_));
  buffer_.clear();
  std::unique_lock<std::shared_mutex> lock(mu_);
  written_through_ = open.last_index();
  EvictCache();
  return Status::OK();
}

void SegmentedLog::EvictCache() {
  while (cache_bytes_ > options_.cache_bytes && !cache_.empty() &&
         cache_.front().index <= written_through_) {
    cache_bytes_ -= cache_.front().ByteSize();
    cache_.pop_front();
    ++cache_first_;
  }
}

Status SegmentedLog::Rollover() {
  OZ_RETURN_IF_ERROR(Flush());
  LogSegment& old = *segments_.back();
  OZ_RETURN_IF_ERROR(old.Sync());  // outside mu_: Close then has little left to flush
  {
    // Close renames the file, and readers name it in their messages.
    std::unique_lock<std::shared_mutex> lock(mu_);
    OZ_RETURN_IF_ERROR(old.Close());
  }
  segments_closed_.fetch_add(1, std::memory_order_relaxed);
  OZ_ASSIGN_OR_RETURN(auto segment, NewSegment(old.last_index() + 1, terms_.LastTerm()));
  std::unique_lock<std::shared_mutex> lock(mu_);
  segments_.push_back(std::move(segment));
  return Status::OK();
}

Status SegmentedLog::Sync() {
  std::lock_guard<std::mutex> w(write_mu_);
  OZ_RETURN_IF_ERROR(failed_);
  OZ_RETURN_IF_ERROR(Fail(Flush()));
  return Fail(segments_.back()->Sync());
}

Status SegmentedLog::TruncateFrom(LogIndex index) {
  // Readers are kept out for the whole truncation: they never see a record being cut.
  std::unique_lock<std::shared_mutex> lock(mu_);
  while (!cache_.empty() && cache_.back().index >= index) {
    cache_bytes_ -= cache_.back().ByteSize();
    cache_.pop_back();
  }
  cache_first_ = std::min(cache_first_, index);
  while (!config_entries_.empty() && config_entries_.back().index >= index) {
    config_entries_.pop_back();
  }
  terms_.TruncateAfter(index - 1);
  last_index_.store((index - 1).value(), std::memory_order_release);

  if (index > written_through_) {
    // Only buffered records go: they all belong to the open segment.
    LogSegment& open = *segments_.back();
    buffer_.resize(open.RecordStart(index) - open.written_end());
    return open.TruncateFrom(index);
  }
  buffer_.clear();
  written_through_ = index - 1;
  // Later segments go first, newest first, so that a crash leaves a prefix of the log.
  size_t removed = 0;
  while (segments_.back()->first_index() > index) {
    OZ_RETURN_IF_ERROR(segments_.back()->Remove());
    segments_.pop_back();
    ++removed;
  }
  if (removed > 0) {
    segments_removed_.fetch_add(removed, std::memory_order_relaxed);
    OZ_RETURN_IF_ERROR(io::SyncDirectory(dir_));
  }
  LogSegment& segment = *segments_.back();
  if (!segment.is_open()) OZ_RETURN_IF_ERROR(segment.Reopen());
  return segment.TruncateFrom(index);
}

Status SegmentedLog::Purge(LogIndex up_to) {
  std::lock_guard<std::mutex> w(write_mu_);
  OZ_RETURN_IF_ERROR(failed_);
  if (up_to > LastIndex()) {
    return Status::InvalidArgument("cannot purge through " + Str(up_to) + ": the log ends at " +
                                   Str(LastIndex()));
  }
  std::vector<std::unique_ptr<LogSegment>> purged;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    size_t n = 0;
    while (n + 1 < segments_.size() && !segments_[n]->is_open() &&
           segments_[n]->last_index() <= up_to) {
      ++n;
    }
    if (n == 0) return Status::OK();
    std::move(segments_.begin(), segments_.begin() + n, std::back_inserter(purged));
    segments_.erase(segments_.begin(), segments_.begin() + n);
    const LogIndex first = segments_.front()->first_index();
    terms_.DropBefore(first - 1);
    while (!cache_.empty() && cache_.front().index < first) {
      cache_bytes_ -= cache_.front().ByteSize();
      cache_.pop_front();
    }
    cache_first_ = std::max(cache_first_, first);
    std::erase_if(config_entries_, [&](const Entry& e) { return e.index < first; });
    first_index_.store(first.value(), std::memory_order_release);
  }
  // Oldest first, so that a crash leaves a suffix; the term of the entry before the new first
  // one is in the header of the segment that is now first.
  for (auto& segment : purged) OZ_RETURN_IF_ERROR(Fail(segment->Remove()));
  segments_removed_.fetch_add(purged.size(), std::memory_order_relaxed);
  return Fail(io::SyncDirectory(dir_));
}

Status SegmentedLog::ResetToSnapshot(const SnapshotMeta& snapshot) {
  std::lock_guard<std::mutex> w(write_mu_);
  OZ_RETURN_IF_ERROR(failed_);
  // The metadata first: a crash before the segments are replaced is finished by Recover.
  OZ_RETURN_IF_ERROR(
      Fail(WriteStateFile(dir_ + "/" + kSnapshotMetaFile, EncodeSnapshotMeta(snapshot))));
  state_file_writes_.fetch_add(1, std::memory_order_relaxed);
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    snapshot_ = snapshot;
  }
  return Fail(ResetLog(snapshot));
}

Status SegmentedLog::ResetLog(const SnapshotMeta& snapshot) {
  std::vector<std::unique_ptr<LogSegment>> old;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    old.swap(segments_);
    terms_.Reset(snapshot.index, snapshot.term);
    cache_.clear();
    cache_bytes_ = 0;
    cache_first_ = snapshot.index + 1;
    written_through_ = snapshot.index;
    config_entries_.clear();
    first_index_.store((snapshot.index + 1).value(), std::memory_order_release);
    last_index_.store(snapshot.index.value(), std::memory_order_release);
  }
  buffer_.clear();
  chunk_sizes_.clear();
  // Newest first, so that a crash leaves a prefix of the log (which Recover resets again).
  while (!old.empty()) {
    OZ_RETURN_IF_ERROR(old.back()->Remove());
    old.pop_back();
    segments_removed_.fetch_add(1, std::memory_order_relaxed);
  }
  OZ_RETURN_IF_ERROR(io::SyncDirectory(dir_));
  OZ_ASSIGN_OR_RETURN(auto segment, NewSegment(snapshot.index + 1, snapshot.term));
  std::unique_lock<std::shared_mutex> lock(mu_);
  segments_.push_back(std::move(segment));
  return Status::OK();
}

Status SegmentedLog::SaveSnapshotMeta(const SnapshotMeta& snapshot) {
  std::lock_guard<std::mutex> w(write_mu_);
  OZ_RETURN_IF_ERROR(failed_);
  OZ_RETURN_IF_ERROR(
      Fail(WriteStateFile(dir_ + "/" + kSnapshotMetaFile, EncodeSnapshotMeta(snapshot))));
  state_file_writes_.fetch_add(1, std::memory_order_relaxed);
  std::unique_lock<std::shared_mutex> lock(mu_);
  snapshot_ = snapshot;
  return Status::OK();
}

Status SegmentedLog::SaveHardState(const HardState& state) {
  std::lock_guard<std::mutex> w(write_mu_);
  OZ_RETURN_IF_ERROR(failed_);
  OZ_RETURN_IF_ERROR(Fail(WriteStateFile(dir_ + "/" + kHardStateFile, EncodeHardState(state))));
  state_file_writes_.fetch_add(1, std::memory_order_relaxed);
  std::unique_lock<std::shared_mutex> lock(mu_);
  hard_state_ = state;
  return Status::OK();
}

}  // namespace ozone::raft
