// What `ozone freon randomkeys` reports, as Ozone's RandomKeyGenerator prints it: the summary
// block at the end of a run, and the job's figures for --json (FreonJobInfo, its fields in their
// declaration order). random_key_generator.h describes the run.
//
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json/jackson_printer.h"
#include "om.pb.h"
#include "tools/freon/freon_timer.h"

namespace ozone::tools::freon {

// The operations a run times, in the order of Ozone's FreonOps, then the validation.
enum RandomKeysOp { kVolumeCreate, kBucketCreate, kKeyCreate, kKeyWrite, kKeyValidate, kOps };

struct RandomKeysFigures {
  bool success = true;
  std::string revision;
  uint64_t volumes_created = 0;
  uint64_t buckets_created = 0;
  uint64_t keys_added = 0;
  std::optional<om::DefaultReplicationConfig> replication;  // printed when given
  int threads = 1;
  int validate_threads = 1;
  // The time all threads spent on each operation.
  std::array<std::chrono::nanoseconds, kOps> spent{};
  bool validate_writes = false;
  uint64_t validated = 0;
  uint64_t validation_ok = 0;
  uint64_t validation_failed = 0;
  std::chrono::milliseconds exec_time{0};
};

// The summary, from its leading empty line to the closing stars. Averages are the time all
// threads spent divided by the threads, as Ozone's.
std::string FormatRandomKeysSummary(const RandomKeysFigures& figures);

// What FreonJobInfo holds besides the figures.
struct RandomKeysJob {
  std::chrono::system_clock::time_point start;
  int volumes = 0;
  int buckets = 0;
  int64_t keys = 0;
  int buffer_size = 0;
  // One snapshot per FreonOps operation (kVolumeCreate..kKeyWrite).
  std::vector<LatencySnapshot> latencies;
};
json::Json RandomKeysJobInfo(const RandomKeysFigures& figures, const RandomKeysJob& job);
// "<yyyyMMddHHmmss>.json" of the job's start, local time, as Ozone names the file.
std::string RandomKeysJsonFileName(std::chrono::system_clock::time_point start);

// A duration as Ozone prints it here (DurationFormatUtils, "HH:mm:ss,SSS"): "01:02:03,004".
std::string FormatHmsMillis(std::chrono::milliseconds d);

}  // namespace ozone::tools::freon
