#include "tools/freon/random_keys_report.h"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

#include "om/request/replication_config_util.h"

namespace ozone::tools::freon {

namespace {

// A double as Java's Double.toString prints the values this report has: "0.0", "1.5", "NaN".
std::string JavaDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == std::floor(v) && std::fabs(v) < 1e7) return fmt::format("{:.1f}", v);
  return fmt::format("{}", v);
}

// Ozone's FreonJobInfo.getInStorageUnits: the largest unit the value reaches.
std::string InStorageUnits(double value) {
  if (std::isnan(value)) return "NaN B";  // Java's (long) NaN is 0: no unit reached
  constexpr double kKB = 1024, kMB = kKB * 1024, kGB = kMB * 1024, kTB = kGB * 1024;
  for (auto [unit, name] : {std::pair{kTB, "TB"}, {kGB, "GB"}, {kMB, "MB"}, {kKB, "KB"}}) {
    if (static_cast<int64_t>(value / unit) != 0) return JavaDouble(value / unit) + " " + name;
  }
  return JavaDouble(value) + " B";
}

// Hadoop's Time.formatTime: "yyyy-MM-dd HH:mm:ss,SSSZ", here in UTC.
std::string FormatWallTime(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  return fmt::format("{},{:03d}+0000", buf, ms.count() % 1000);
}

// Ozone's average: the time all threads spent, divided by the threads.
std::string Average(std::chrono::nanoseconds spent, int threads) {
  return FormatHmsMillis(std::chrono::duration_cast<std::chrono::milliseconds>(spent) / threads);
}

}  // namespace

std::string FormatRandomKeysSummary(const RandomKeysFigures& f) {
  std::string out = "\n***************************************************\n";
  auto line = [&out](const std::string& label, const std::string& value) {
    out += label + ": " + value + "\n";
  };
  line("Status", f.success ? "Success" : "Failed");
  line("Git Base Revision", f.revision);
  line("Number of Volumes created", std::to_string(f.volumes_created));
  line("Number of Buckets created", std::to_string(f.buckets_created));
  line("Number of Keys added", std::to_string(f.keys_added));
  if (f.replication) line("Replication", om::ReplicationConfigString(*f.replication));
  line("Average Time spent in volume creation", Average(f.spent[kVolumeCreate], f.threads));
  line("Average Time spent in bucket creation", Average(f.spent[kBucketCreate], f.threads));
  line("Average Time spent in key creation", Average(f.spent[kKeyCreate], f.threads));
  line("Average Time spent in key write", Average(f.spent[kKeyWrite], f.threads));
  line("Total bytes written", "0");
  if (f.validate_writes) {
    line("Total number of writes validated", std::to_string(f.validated));
    line("Writes validated",
         JavaDouble(f.keys_added == 0 ? std::nan("")
                                      : 100.0 * static_cast<double>(f.validated) /
                                            static_cast<double>(f.keys_added)) +
             " %");
    line("Successful validation", std::to_string(f.validation_ok));
    line("Unsuccessful validation", std::to_string(f.validation_failed));
    line("Average Time spent in key read and validation",
         Average(f.spent[kKeyValidate], f.validate_threads));
  }
  line("Total Execution time", FormatHmsMillis(f.exec_time));
  out += "***************************************************\n";
  return out;
}

json::Json RandomKeysJobInfo(const RandomKeysFigures& f, const RandomKeysJob& job) {
  json::Json j;
  j["status"] = f.success ? "Success" : "Failed";
  j["gitBaseRevision"] = f.revision;
  j["jobStartTime"] = FormatWallTime(job.start);
  j["numOfVolumes"] = job.volumes;
  j["numOfBuckets"] = job.buckets;
  j["numOfKeys"] = job.keys;
  j["numOfThreads"] = f.threads;
  j["dataWritten"] = InStorageUnits(0);
  j["execTime"] = FormatHmsMillis(f.exec_time);
  j["replication"] = f.replication ? om::ReplicationString(*f.replication) : "";
  j["replicationType"] = f.replication ? hdds::ReplicationType_Name(f.replication->type()) : "";
  j["keySize"] = 0;
  j["bufferSize"] = job.buffer_size;
  // Bytes over the seconds spent writing, as Ozone divides them: nothing over nothing here.
  j["totalThroughputPerSecond"] = InStorageUnits(std::nan(""));
  const char* names[] = {"VolumeCreateTime", "BucketCreateTime", "KeyCreateTime", "KeyWriteTime"};
  auto ms = [](double ns) {
    return FormatHmsMillis(std::chrono::milliseconds(static_cast<int64_t>(ns / 1e6)));
  };
  for (size_t op = 0; op < job.latencies.size() && op < std::size(names); ++op) {
    const LatencySnapshot& snap = job.latencies[op];
    j[std::string("mean") + names[op]] = ms(snap.mean());
    j[std::string("deviation") + names[op]] = ms(snap.stddev());
    json::Json quantiles = json::Json::array();
    for (int i = 0; i <= 10; ++i) quantiles.push_back(ms(snap.Quantile(i / 10.0)));
    j[std::string("tenQuantile") + names[op]] = quantiles;
  }
  return j;
}

std::string RandomKeysJsonFileName(std::chrono::system_clock::time_point start) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(start);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%d%H%M%S", &tm);
  return std::string(buf) + ".json";
}

std::string FormatHmsMillis(std::chrono::milliseconds d) {
  const int64_t ms = d.count();
  return fmt::format("{:02d}:{:02d}:{:02d},{:03d}", ms / 3'600'000, ms / 60'000 % 60,
                     ms / 1000 % 60, ms % 1000);
}

}  // namespace ozone::tools::freon
