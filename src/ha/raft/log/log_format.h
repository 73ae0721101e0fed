// The on-disk format of the segmented Raft log (FORMAT.md is the full description): segment file
// names, the 40-byte segment header and the record framing
//   u32 length | u32 crc32c(length bytes + payload) | payload = u64 term, u64 index, u8 type, data
// All integers are little-endian.
//
// Thread-safety: pure functions and constants.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "ha/raft/types.h"

namespace ozone::raft::log_format {

inline constexpr char kSegmentMagic[8] = {'O', 'Z', 'R', 'A', 'F', 'T', 'L', 'G'};
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kSegmentHeaderSize = 40;
// length + crc32c.
inline constexpr size_t kRecordFrameSize = 8;
// term + index + type.
inline constexpr size_t kEntryHeaderSize = 17;
inline constexpr size_t kMinPayloadSize = kEntryHeaderSize;
// The largest entry data a record may carry (keeps every offset within a segment in 32 bits).
inline constexpr size_t kMaxDataSize = size_t{1} << 30;

// What a segment file starts with.
struct SegmentHeader {
  LogIndex first_index;  // index of the segment's first record (also in the file name)
  Term prev_term;        // term of entry first_index - 1 (0 if none): TermAt(FirstIndex() - 1)
};

// Writes the header into `out` (kSegmentHeaderSize bytes).
void EncodeSegmentHeader(const SegmentHeader& header, char* out);
// Corruption if the magic, version or checksum does not match.
Result<SegmentHeader> DecodeSegmentHeader(std::string_view bytes);

// Bytes the record of an entry with `data_size` bytes of data takes on disk.
inline constexpr size_t RecordSize(size_t data_size) {
  return kRecordFrameSize + kEntryHeaderSize + data_size;
}

// Serializes `entry` into `out` (RecordSize(entry.bytes().size()) bytes).
void EncodeRecord(const Entry& entry, char* out);

// A record parsed in place; `data` points into the parsed bytes.
struct RecordView {
  Term term;
  LogIndex index;
  EntryType type = EntryType::kNormal;
  std::string_view data;
  size_t size = 0;  // bytes the whole record takes
};

enum class RecordCheck : uint8_t {
  kValid,
  kBadLength,    // the length is impossible (zero, too small or too large)
  kTruncated,    // the record extends past the end of the bytes
  kBadChecksum,  // the checksum does not match
  kBadType,      // the checksum matches but the entry type is unknown
};

// Parses the record at the start of `bytes`.
RecordCheck ParseRecord(std::string_view bytes, RecordView* out);

// "log_<first>-<last>" (a closed segment) and "log_inprogress_<first>" (the open one), as Ratis.
std::string ClosedSegmentName(LogIndex first, LogIndex last);
std::string OpenSegmentName(LogIndex first);

struct SegmentName {
  LogIndex first;
  std::optional<LogIndex> last;  // nullopt for the open segment
};
// nullopt when `name` is not a segment file name.
std::optional<SegmentName> ParseSegmentName(std::string_view name);

// Little-endian fixed-width integers.
void EncodeFixed32(char* out, uint32_t v);
void EncodeFixed64(char* out, uint64_t v);
uint32_t DecodeFixed32(const char* p);
uint64_t DecodeFixed64(const char* p);

}  // namespace ozone::raft::log_format
