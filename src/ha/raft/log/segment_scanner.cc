#include "ha/raft/log/segment_scanner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

namespace ozone::raft {

using log_format::DecodeFixed32;
using log_format::DecodeFixed64;
using log_format::RecordCheck;
using log_format::RecordView;

namespace {

constexpr size_t kPageSize = 4096;
constexpr size_t kMinRecordSize = log_format::RecordSize(0);

Result<std::string> ReadWholeFile(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::FromErrno("stat " + path, errno);
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t r = ::pread(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("read " + path, errno);
    }
    if (r == 0) break;  // shrank meanwhile: scan what is there
    done += static_cast<size_t>(r);
  }
  bytes.resize(done);
  return bytes;
}

bool AllZero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

// A whole page of zeros, page-aligned in the file, within [from, to).
bool HasZeroPage(std::string_view bytes, size_t from, size_t to) {
  for (size_t p = (from + kPageSize - 1) / kPageSize * kPageSize; p + kPageSize <= to;
       p += kPageSize) {
    if (AllZero(bytes.substr(p, kPageSize))) return true;
  }
  return false;
}

// The offset of the first valid record after `from` that could continue the log (index above
// `last_index`, term at least `last_term`), if any. Cheap field checks come before the checksum,
// so that zeros and garbage are skipped quickly.
std::optional<size_t> FindLaterRecord(std::string_view bytes, size_t from, LogIndex last_index,
                                      Term last_term) {
  const char* p = bytes.data();
  for (size_t o = from + 1; o + kMinRecordSize <= bytes.size(); ++o) {
    const uint32_t length = DecodeFixed32(p + o);
    if (length < log_format::kMinPayloadSize || length > bytes.size() - o - 8) continue;
    const uint64_t index = DecodeFixed64(p + o + 16);
    // Records between `from` and `o` take at least kMinRecordSize bytes each.
    const uint64_t max_index = last_index.value() + 1 + (o - from) / kMinRecordSize;
    if (index <= last_index.value() || index > max_index) continue;
    if (DecodeFixed64(p + o + 8) < last_term.value()) continue;
    RecordView rec;
    if (log_format::ParseRecord(bytes.substr(o), &rec) == RecordCheck::kValid) return o;
  }
  return std::nullopt;
}

std::string Describe(RecordCheck check, const RecordView& rec, LogIndex expected, Term last_term) {
  switch (check) {
    case RecordCheck::kBadLength:
      return "record length out of range";
    case RecordCheck::kTruncated:
      return "record extends past the end of the file";
    case RecordCheck::kBadChecksum:
      return "record checksum mismatch";
    case RecordCheck::kBadType:
      return "unknown entry type";
    case RecordCheck::kValid:
      break;
  }
  if (rec.index != expected) {
    return "record of index " + std::to_string(rec.index.value()) + " where " +
           std::to_string(expected.value()) + " was expected";
  }
  return "record of term " + std::to_string(rec.term.value()) + " after term " +
         std::to_string(last_term.value());
}

}  // namespace

Result<SegmentScan> ScanSegment(const SegmentScanOptions& options,
                                const std::function<Status(const RecordView&)>& visit) {
  const std::string& path = options.path;
  OZ_ASSIGN_OR_RETURN(std::string file, ReadWholeFile(options.fd, path));
  const std::string_view bytes(file);
  SegmentScan scan;
  scan.file_size = bytes.size();

  auto header = log_format::DecodeSegmentHeader(bytes);
  if (!header.ok()) return header.status().WithContext(path);
  scan.header = *header;
  if (scan.header.first_index != options.name.first) {
    return Status::Corruption(path + ": header says first index " +
                              std::to_string(scan.header.first_index.value()));
  }
  if (options.prev_term && scan.header.prev_term != *options.prev_term) {
    return Status::Corruption(path + ": header says the previous term is " +
                              std::to_string(scan.header.prev_term.value()) +
                              ", the previous segment ends with term " +
                              std::to_string(options.prev_term->value()));
  }

  const bool open = !options.name.last.has_value();
  const std::optional<LogIndex> last = options.name.last;
  scan.offsets.push_back(static_cast<uint32_t>(log_format::kSegmentHeaderSize));
  LogIndex expected = options.name.first;
  Term last_term = scan.header.prev_term;
  size_t pos = log_format::kSegmentHeaderSize;
  while (pos < bytes.size()) {
    if (last && expected > *last) break;
    RecordView rec;
    const RecordCheck check = log_format::ParseRecord(bytes.substr(pos), &rec);
    if (check == RecordCheck::kValid && rec.index == expected && rec.term >= last_term) {
      OZ_RETURN_IF_ERROR(visit(rec));
      pos += rec.size;
      scan.offsets.push_back(static_cast<uint32_t>(pos));
      ++expected;
      last_term = rec.term;
      continue;
    }
    const std::string what = Describe(check, rec, expected, last_term);
    const std::string where = " at offset " + std::to_string(pos);
    // A closed segment was synced whole before it was renamed; a record whose checksum holds
    // but that does not continue the log was never written by a crash.
    if (!open || check == RecordCheck::kValid || check == RecordCheck::kBadType) {
      return Status::Corruption(path + ": " + what + where);
    }
    std::optional<size_t> later = FindLaterRecord(bytes, pos, expected - 1, last_term);
    if (later && !HasZeroPage(bytes, pos, *later)) {
      return Status::Corruption(path + ": " + what + where +
                                ", followed by a valid record at offset " + std::to_string(*later));
    }
    scan.dirty_tail = !AllZero(bytes.substr(pos));
    break;
  }
  if (!open) {
    if (expected != *last + 1) {
      return Status::Corruption(path + ": ends after index " +
                                std::to_string((expected - 1).value()) + " (file size " +
                                std::to_string(bytes.size()) + ")");
    }
    if (pos != bytes.size()) {
      return Status::Corruption(path + ": " + std::to_string(bytes.size() - pos) +
                                " unexpected bytes after the last record, at offset " +
                                std::to_string(pos));
    }
  }
  return scan;
}

}  // namespace ozone::raft
