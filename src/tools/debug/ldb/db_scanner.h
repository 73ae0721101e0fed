// DbScanner: `ozone debug ldb --db=DIR scan ...`: prints a column family as JSON, decoding keys
// and values with the project's codecs, as Ozone's DBScanner does:
//   with keys (default):  { "<key>": <value>, "<key>": <value> }
//   --with-keys=false:    [ <value>, <value> ]
// Values are pretty printed the Jackson way (--compact: one line). Keys are always JSON
// strings, so the output is valid JSON (Ozone prints non-string keys bare). --count prints the
// number of records that would be printed (exact, honouring the range and filters; Ozone prints
// RocksDB's estimate).
// The DB is opened read-only: a running server is not disturbed.
//
// Thread-safety: one scan per instance.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "common/status.h"

namespace ozone::tools::ldb {

struct ScanOptions {
  std::string db_path;
  std::string column_family;
  bool with_keys = true;
  int64_t limit = -1;                    // -1: all
  std::optional<std::string> start_key;  // inclusive
  std::optional<std::string> end_key;    // inclusive
  std::optional<std::string> fields;
  std::optional<std::string> filter;
  bool count = false;
  bool compact = false;
  std::optional<std::string> out_file;
};

Status Scan(const ScanOptions& options, std::ostream& out);

// `ozone debug ldb --db=DIR ls`: every column family name, one per line.
Status ListColumnFamilies(const std::string& db_path, std::ostream& out);

// `ozone debug ldb --db=DIR checkpoint --output=DIR`.
Status Checkpoint(const std::string& db_path, const std::string& output_dir, std::ostream& out);

}  // namespace ozone::tools::ldb
