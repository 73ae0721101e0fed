// `ozone freon randomkeys` (alias rk): Ozone's RandomKeyGenerator, the generator the SCM HA
// documents use to put data into a new ring. It creates --num-of-volumes volumes
// ("vol-<n>-<5 digits>"), --num-of-buckets buckets in each ("bucket-<n>-<5 digits>") and
// --num-of-keys keys in each bucket ("key-<n>-<5 digits>") on --num-of-threads threads, shows a
// progress bar over the keys, and ends with Ozone's summary:
//
//   ***************************************************
//   Status: Success
//   Git Base Revision: <the build's revision>
//   Number of Volumes created: 1
//   Number of Buckets created: 1
//   Number of Keys added: 100
//   Replication: RATIS/THREE                      (when a replication option was given)
//   Average Time spent in volume creation: 00:00:00,012
//   Average Time spent in bucket creation: 00:00:00,006
//   Average Time spent in key creation: 00:00:00,031
//   Average Time spent in key write: 00:00:00,000
//   Total bytes written: 0
//   Total Execution time: 00:00:00,412
//   ***************************************************
//
// (random_keys_report.h prints it; "Average" is Ozone's: the time all threads spent on the
// operation divided by the threads.)
// A key is made as Ozone's client makes it: open (the OM allocates its blocks), write, commit.
// Key data needs the datanodes, which this build does not run yet, so a --key-size above 0 is
// refused before anything is created (NOT_SUPPORTED_OPERATION, exit 255); with --key-size 0 the
// whole run is Ozone's, empty keys included. --validate-writes reads every key back and checks
// its size (the time it takes is the summary's "key read and validation"); --clean-objects deletes
// the keys, buckets and volumes once all were created; --json DIR writes the job's figures to
// DIR/<yyyyMMddHHmmss>.json as Ozone's FreonJobInfo.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

#include "client/om_client.h"
#include "common/status.h"

namespace ozone::tools::freon {

struct RandomKeysOptions {
  // --num-of-threads, --numOfThreads. Default: 10.
  int threads = 10;
  // --num-of-volumes, --numOfVolumes. Default: 10.
  int volumes = 10;
  // --num-of-buckets, --numOfBuckets: per volume. Default: 1000.
  int buckets = 1000;
  // --num-of-keys, --numOfKeys: per bucket. Default: 500000.
  int64_t keys = 500000;
  // --key-size, --keySize: bytes, or a size with a unit ("10KB"). Default: 10KB.
  std::string key_size = "10KB";
  // --validate-writes, --validateWrites. Default: false.
  bool validate_writes = false;
  // --num-of-validate-threads, --numOfValidateThreads. Default: 1.
  int validate_threads = 1;
  // --buffer-size, --bufferSize: the size of each write of key data. Default: 4096.
  int buffer_size = 4096;
  // --json: a directory for the job's JSON report. Default: none.
  std::string json_dir;
  // --type, --replication-type, --replicationType; -r, --replication; -F, --factor (RATIS with
  // that factor, as Ozone's deprecated option; it wins over the other two). Default: the
  // bucket's.
  std::string type;
  std::string replication;
  std::string factor;
  // --bucket-layout: OBJECT_STORE, FILE_SYSTEM_OPTIMIZED or LEGACY. Default: the OM's.
  std::string bucket_layout;
  // --validation-channel: how key data is read back for --validate-writes, grpc or ratis
  // (checked; there is no data to read yet). Default: grpc.
  std::string validation_channel = "grpc";
  // --om-service-id. Default: the only service configured.
  std::string om_service_id;
  // --clean-objects: delete what the run created. Default: false.
  bool clean_objects = false;
};

void AddRandomKeysOptions(CLI::App& app, RandomKeysOptions& options);

// Checks the options (InvalidArgument), and refuses a key size above 0 (NotSupported): keys with
// data need the datanodes.
Status CheckRandomKeysOptions(const RandomKeysOptions& options);

// Runs the generator on `om` (CheckRandomKeysOptions first). `revision` is printed as the Git Base
// Revision. OK, or the first failure (the summary then says Failed). InvalidArgument for bad
// options, NotSupported for a key size above 0; neither creates anything. Once `interrupted`
// turns true the workers and validators take no more work, --clean-objects is skipped, and the
// summary shows what was done (Status: Success unless something failed, as Ozone's shutdown hook
// prints it).
Status RunRandomKeys(const RandomKeysOptions& options, client::OmClient& om, std::ostream& out,
                     bool interactive, const std::string& revision,
                     const std::atomic<bool>& interrupted);

}  // namespace ozone::tools::freon
