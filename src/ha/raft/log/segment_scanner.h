// ScanSegment: reads a segment file at start-up, checks every record (checksum, index continuity,
// terms that never decrease) and finds where its valid records end.
//
// A closed segment must hold exactly the records its name says; any damage is Corruption. In the
// open segment a damaged record may be a write torn by a crash. It is treated as the end of the
// log when no valid record follows it (garbage or zeros after it: the usual case, since the
// segment is preallocated), or when the damaged bytes contain a whole 4 KiB page of zeros before
// the next valid record (a page lost by a power failure while later pages of the same unsynced
// write reached the disk; preallocated or truncated space reads as zeros). Any other damaged
// record followed by a valid one is Corruption, naming the file and offset: a crash cannot
// produce it, and dropping the records after it would silently lose synced entries.
//
// Thread-safety: a function; the file must not be written concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "ha/raft/log/log_format.h"
#include "ha/raft/types.h"

namespace ozone::raft {

struct SegmentScanOptions {
  std::string path;  // for messages
  int fd = -1;
  log_format::SegmentName name;
  // The term of the entry before the segment's first one (the previous segment's last term), or
  // nullopt for the first segment of the log (then the header's prev_term is taken).
  std::optional<Term> prev_term;
};

struct SegmentScan {
  log_format::SegmentHeader header;
  // Where each valid record starts, then where the last one ends (as LogSegment keeps them).
  std::vector<uint32_t> offsets;
  uint64_t file_size = 0;
  // Open segment only: bytes other than zeros follow the last valid record (a torn write). They
  // must be cleared before appending, or they could later pass for records.
  bool dirty_tail = false;
};

// Scans a segment, calling `visit` for every valid record in order (an error from `visit` stops
// the scan and is returned).
Result<SegmentScan> ScanSegment(const SegmentScanOptions& options,
                                const std::function<Status(const log_format::RecordView&)>& visit);

}  // namespace ozone::raft
