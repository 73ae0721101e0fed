#include "storage/rocks_status.h"

namespace ozone::storage {

Status FromRocks(const rocksdb::Status& s, const std::string& what, const std::string& path) {
  if (s.ok()) return Status::OK();
  std::string detail = s.ToString();
  std::string where = "DB " + path;
  if (s.IsIOError() &&
      (detail.find("lock") != std::string::npos || detail.find("LOCK") != std::string::npos)) {
    return Status::Busy(where +
                        " is locked by another process (is a server running on it?): " + detail);
  }
  if (s.IsInvalidArgument() && detail.find("does not exist") != std::string::npos) {
    return Status::NotFound(where + " does not exist");
  }
  if (s.IsPathNotFound() ||
      (s.IsIOError() && detail.find("No such file or directory") != std::string::npos &&
       what == "open")) {
    return Status::NotFound(where + " does not exist or is incomplete: " + detail);
  }
  if (s.IsCorruption()) return Status::Corruption(where + " is corrupt (" + what + "): " + detail);
  if (s.IsNotFound()) return Status::NotFound(where + ": " + what + ": " + detail);
  if (s.IsNotSupported()) return Status::NotSupported(where + ": " + what + ": " + detail);
  if (s.IsInvalidArgument()) return Status::InvalidArgument(where + ": " + what + ": " + detail);
  if (s.IsBusy() || s.IsTryAgain()) return Status::Busy(where + ": " + what + ": " + detail);
  if (s.IsTimedOut()) return Status::Timeout(where + ": " + what + ": " + detail);
  return Status::IoError(where + ": " + what + ": " + detail);
}

}  // namespace ozone::storage
