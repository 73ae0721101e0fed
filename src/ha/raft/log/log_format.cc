#include "ha/raft/log/log_format.h"

#include <bit>
#include <charconv>
#include <cstring>

#include "ha/raft/log/crc32c.h"

namespace ozone::raft::log_format {

namespace {

constexpr std::string_view kClosedPrefix = "log_";
constexpr std::string_view kOpenPrefix = "log_inprogress_";

// Parses a decimal uint64 that makes up all of `s`.
std::optional<uint64_t> ParseDecimal(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  if (s.size() > 1 && s[0] == '0') return std::nullopt;  // one spelling per number
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

uint32_t RecordChecksum(const char* length_field, std::string_view payload) {
  return crc32c::Extend(crc32c::Value(length_field, 4), payload.data(), payload.size());
}

}  // namespace

void EncodeFixed32(char* out, uint32_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  std::memcpy(out, &v, sizeof(v));
}

void EncodeFixed64(char* out, uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(out, &v, sizeof(v));
}

uint32_t DecodeFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}

uint64_t DecodeFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

void EncodeSegmentHeader(const SegmentHeader& header, char* out) {
  std::memset(out, 0, kSegmentHeaderSize);
  std::memcpy(out, kSegmentMagic, sizeof(kSegmentMagic));
  EncodeFixed32(out + 8, kFormatVersion);
  EncodeFixed64(out + 16, header.first_index.value());
  EncodeFixed64(out + 24, header.prev_term.value());
  EncodeFixed32(out + 32, crc32c::Value(out, 32));
}

Result<SegmentHeader> DecodeSegmentHeader(std::string_view bytes) {
  if (bytes.size() < kSegmentHeaderSize) return Status::Corruption("segment header is truncated");
  const char* p = bytes.data();
  if (std::memcmp(p, kSegmentMagic, sizeof(kSegmentMagic)) != 0) {
    return Status::Corruption("not a log segment (bad magic)");
  }
  if (DecodeFixed32(p + 32) != crc32c::Value(p, 32)) {
    return Status::Corruption("segment header checksum mismatch");
  }
  uint32_t version = DecodeFixed32(p + 8);
  if (version != kFormatVersion) {
    return Status::Corruption("unsupported segment format version " + std::to_string(version));
  }
  return SegmentHeader{LogIndex(DecodeFixed64(p + 16)), Term(DecodeFixed64(p + 24))};
}

void EncodeRecord(const Entry& entry, char* out) {
  const std::string& data = entry.bytes();
  const uint32_t length = static_cast<uint32_t>(kEntryHeaderSize + data.size());
  EncodeFixed32(out, length);
  char* payload = out + kRecordFrameSize;
  EncodeFixed64(payload, entry.term.value());
  EncodeFixed64(payload + 8, entry.index.value());
  payload[16] = static_cast<char>(entry.type);
  if (!data.empty()) std::memcpy(payload + kEntryHeaderSize, data.data(), data.size());
  EncodeFixed32(out + 4, RecordChecksum(out, std::string_view(payload, length)));
}

RecordCheck ParseRecord(std::string_view bytes, RecordView* out) {
  if (bytes.size() < kRecordFrameSize) return RecordCheck::kTruncated;
  const char* p = bytes.data();
  const uint32_t length = DecodeFixed32(p);
  if (length < kMinPayloadSize || length > kEntryHeaderSize + kMaxDataSize) {
    return RecordCheck::kBadLength;
  }
  if (bytes.size() - kRecordFrameSize < length) return RecordCheck::kTruncated;
  std::string_view payload(p + kRecordFrameSize, length);
  if (DecodeFixed32(p + 4) != RecordChecksum(p, payload)) return RecordCheck::kBadChecksum;
  const uint8_t type = static_cast<uint8_t>(payload[16]);
  if (type > static_cast<uint8_t>(EntryType::kConfig)) return RecordCheck::kBadType;
  out->term = Term(DecodeFixed64(payload.data()));
  out->index = LogIndex(DecodeFixed64(payload.data() + 8));
  out->type = static_cast<EntryType>(type);
  out->data = payload.substr(kEntryHeaderSize);
  out->size = kRecordFrameSize + length;
  return RecordCheck::kValid;
}

std::string ClosedSegmentName(LogIndex first, LogIndex last) {
  return std::string(kClosedPrefix) + std::to_string(first.value()) + "-" +
         std::to_string(last.value());
}

std::string OpenSegmentName(LogIndex first) {
  return std::string(kOpenPrefix) + std::to_string(first.value());
}

std::optional<SegmentName> ParseSegmentName(std::string_view name) {
  if (name.starts_with(kOpenPrefix)) {
    auto first = ParseDecimal(name.substr(kOpenPrefix.size()));
    if (!first || *first == 0) return std::nullopt;
    return SegmentName{LogIndex(*first), std::nullopt};
  }
  if (!name.starts_with(kClosedPrefix)) return std::nullopt;
  std::string_view rest = name.substr(kClosedPrefix.size());
  size_t dash = rest.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto first = ParseDecimal(rest.substr(0, dash));
  auto last = ParseDecimal(rest.substr(dash + 1));
  if (!first || !last || *first == 0 || *last < *first) return std::nullopt;
  return SegmentName{LogIndex(*first), LogIndex(*last)};
}

}  // namespace ozone::raft::log_format
