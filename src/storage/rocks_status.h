// Translation of RocksDB statuses into the project's Status (internal to src/storage).
#pragma once

#include <rocksdb/status.h>

#include <string>

#include "common/status.h"

namespace ozone::storage {

// `what` describes the operation ("open", "write batch"), `path` the DB.
Status FromRocks(const rocksdb::Status& s, const std::string& what, const std::string& path);

}  // namespace ozone::storage
