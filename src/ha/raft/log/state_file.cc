#include "ha/raft/log/state_file.h"

#include <unistd.h>

#include <cerrno>

#include "common/io/file_util.h"
#include "ha/raft/log/crc32c.h"
#include "ha/raft/log/log_format.h"

namespace ozone::raft {

using log_format::DecodeFixed32;
using log_format::EncodeFixed32;

Status WriteStateFile(const std::string& path, std::string_view payload) {
  std::string bytes(8 + payload.size(), '\0');
  EncodeFixed32(bytes.data(), static_cast<uint32_t>(payload.size()));
  bytes.replace(8, payload.size(), payload);
  EncodeFixed32(bytes.data() + 4,
                crc32c::Extend(crc32c::Value(bytes.data(), 4), payload.data(), payload.size()));
  return io::WriteFileAtomically(path, bytes);
}

Result<std::optional<std::string>> ReadStateFile(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return Status::FromErrno("access " + path, errno);
  }
  OZ_ASSIGN_OR_RETURN(std::string bytes, io::ReadFile(path));
  if (bytes.size() < 8 || DecodeFixed32(bytes.data()) != bytes.size() - 8) {
    return Status::Corruption(path + ": bad length (" + std::to_string(bytes.size()) + " bytes)");
  }
  if (DecodeFixed32(bytes.data() + 4) !=
      crc32c::Extend(crc32c::Value(bytes.data(), 4), bytes.data() + 8, bytes.size() - 8)) {
    return Status::Corruption(path + ": checksum mismatch");
  }
  return std::optional<std::string>(bytes.substr(8));
}

}  // namespace ozone::raft
