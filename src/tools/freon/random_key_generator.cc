#include "tools/freon/random_key_generator.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "common/config/units.h"
#include "common/json/jackson_printer.h"
#include "om/request/replication_config_util.h"
#include "tools/freon/freon_objects.h"
#include "tools/freon/freon_timer.h"
#include "tools/freon/progress_bar.h"
#include "tools/freon/random_keys_report.h"

namespace ozone::tools::freon {

namespace {

using Clock = std::chrono::steady_clock;

using Op = RandomKeysOp;

std::string RandomDigits(size_t n) {
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<int> digit(0, 9);
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + digit(rng)));
  return s;
}

Result<std::optional<om::DefaultReplicationConfig>> ReplicationFrom(const RandomKeysOptions& o) {
  // The deprecated --factor wins over the others, as in Ozone (the SCM HA documents give both
  // --replicationType=RATIS and --factor=THREE).
  if (!o.factor.empty()) {
    OZ_ASSIGN_OR_RETURN(om::DefaultReplicationConfig c,
                        om::ParseReplicationConfig("RATIS", o.factor));
    return std::optional<om::DefaultReplicationConfig>(c);
  }
  if (o.type.empty() && o.replication.empty()) {
    return std::optional<om::DefaultReplicationConfig>();
  }
  OZ_ASSIGN_OR_RETURN(om::DefaultReplicationConfig c,
                      om::ParseReplicationConfig(o.type, o.replication));
  return std::optional<om::DefaultReplicationConfig>(c);
}

Result<std::optional<om::BucketLayout>> LayoutFrom(const RandomKeysOptions& o) {
  if (o.bucket_layout.empty()) return std::optional<om::BucketLayout>();
  om::BucketLayout layout = om::OBJECT_STORE;
  if (!om::BucketLayout_Parse(o.bucket_layout, &layout)) {
    return Status::InvalidArgument(
        "--bucket-layout: expected OBJECT_STORE, FILE_SYSTEM_OPTIMIZED "
        "or LEGACY, not '" +
        o.bucket_layout + "'");
  }
  return std::optional<om::BucketLayout>(layout);
}

// One run: the workers, what they created, the figures.
class RandomKeyRun {
 public:
  RandomKeyRun(const RandomKeysOptions& o, client::OmClient& om,
               std::optional<om::DefaultReplicationConfig> replication,
               std::optional<om::BucketLayout> layout, const std::atomic<bool>& interrupted)
      : o_(o),
        om_(om),
        interrupted_(interrupted),
        replication_(std::move(replication)),
        layout_(layout),
        total_buckets_(static_cast<int64_t>(o.volumes) * o.buckets),
        total_keys_(total_buckets_ * o.keys),
        timers_{FreonTimer("volume-create"), FreonTimer("bucket-create"), FreonTimer("key-create"),
                FreonTimer("key-write"), FreonTimer("key-validate")} {}

  Status Run(std::ostream& out, bool interactive, const std::string& revision) {
    start_ = Clock::now();
    wall_start_ = std::chrono::system_clock::now();
    std::vector<std::thread> validators;
    if (o_.validate_writes) {
      for (int i = 0; i < o_.validate_threads; ++i) validators.emplace_back([this] { Validate(); });
    }
    {
      std::optional<ProgressBar> bar;
      if (total_keys_ > 0) {
        bar.emplace(
            out, static_cast<uint64_t>(total_keys_), [this] { return keys_added_.load(); },
            interactive);
        bar->Start();
      }
      RunOnThreads([this] { CreateObjects(); });
      if (bar) bar->Stop();
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      creating_done_ = true;
    }
    cv_.notify_all();
    for (auto& t : validators) t.join();
    if (o_.clean_objects && failure().ok() && !interrupted_.load()) Clean(out, interactive);
    PrintStats(out, revision);
    return failure();
  }

 private:
  struct Bucket {
    std::string volume;
    std::string name;
  };
  struct Created {
    Bucket bucket;
    std::string key;
  };

  void RunOnThreads(const std::function<void()>& work) {
    std::vector<std::thread> threads;
    for (int i = 0; i < o_.threads; ++i) threads.emplace_back(work);
    for (auto& t : threads) t.join();
  }

  Status failure() {
    std::lock_guard<std::mutex> l(mu_);
    return failure_;
  }
  // Keeps the first failure; the workers stop at it.
  void Fail(const Status& s) {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (failure_.ok()) failure_ = s;
    }
    cv_.notify_all();
  }
  bool failed() {
    std::lock_guard<std::mutex> l(mu_);
    return !failure_.ok();
  }
  // The workers take no more work after a failure or an interruption.
  bool stopping() { return interrupted_.load() || failed(); }

  // Ozone's ObjectCreator: volumes, then buckets, then keys, each taken by number. Every worker
  // stops at the run's first failure or when interrupted.
  void CreateObjects() {
    for (int v; !stopping() && (v = next_volume_.fetch_add(1)) < o_.volumes;) {
      if (!CreateVolume(v)) return;
    }
    for (int64_t b; !stopping() && (b = next_bucket_.fetch_add(1)) < total_buckets_;) {
      if (!CreateBucket(b)) return;
    }
    for (int64_t k; !stopping() && (k = next_key_.fetch_add(1)) < total_keys_;) {
      if (!CreateKey(k)) return;
    }
  }

  // Times `call` as operation `op` (summed for the averages, sampled for --json).
  template <typename F>
  Status Timed(Op op, F&& call) {
    const auto start = Clock::now();
    Status s = call();
    const auto took = Clock::now() - start;
    if (s.ok()) {
      timers_[op].Record(took);
      spent_ns_[op].fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count());
    }
    return s;
  }

  bool CreateVolume(int n) {
    const std::string name = "vol-" + std::to_string(n) + "-" + RandomDigits(5);
    Status s =
        Timed(kVolumeCreate, [&] { return om_.CreateVolume(NewVolume(name, om_.user_name())); });
    if (!s.ok()) {
      Fail(s.WithContext("could not create volume " + name));
      return false;
    }
    volumes_created_.fetch_add(1);
    {
      std::lock_guard<std::mutex> l(mu_);
      volumes_[n] = name;
    }
    cv_.notify_all();
    return true;
  }

  bool CreateBucket(int64_t global) {
    const int volume_number = static_cast<int>(global % o_.volumes);
    std::optional<std::string> volume = WaitFor(volumes_, volume_number);
    if (!volume) return false;
    const std::string name =
        "bucket-" + std::to_string(global / o_.volumes) + "-" + RandomDigits(5);
    Status s = Timed(kBucketCreate, [&] {
      om::BucketInfo info = NewBucket(*volume, name, om_.user_name());
      if (layout_) info.set_bucketlayout(*layout_);
      return om_.CreateBucket(info);
    });
    if (!s.ok()) {
      Fail(s.WithContext("could not create bucket " + name + " in volume " + *volume));
      return false;
    }
    buckets_created_.fetch_add(1);
    {
      std::lock_guard<std::mutex> l(mu_);
      buckets_[global] = Bucket{*volume, name};
    }
    cv_.notify_all();
    return true;
  }

  bool CreateKey(int64_t global) {
    std::optional<Bucket> bucket = WaitFor(buckets_, global % total_buckets_);
    if (!bucket) return false;
    const om::KeyArgs args =
        NewEmptyKey(bucket->volume, bucket->name,
                    "key-" + std::to_string(global / total_buckets_) + "-" + RandomDigits(5),
                    om_.user_name(), replication_);
    uint64_t session = 0;
    Status s = Timed(kKeyCreate, [&]() -> Status {
      OZ_ASSIGN_OR_RETURN(om::CreateKeyResponse open, om_.OpenKey(args));
      session = open.id();
      return Status::OK();
    });
    // The data: none (a key size above 0 is refused before the run), so the write is timed empty,
    // as Ozone times a write of zero bytes.
    if (s.ok()) s = Timed(kKeyWrite, [] { return Status::OK(); });
    if (s.ok()) s = om_.CommitKey(args, session);
    if (!s.ok()) {
      Fail(s.WithContext("could not add key " + args.keyname() + " in bucket " + bucket->name +
                         " of volume " + bucket->volume));
      return false;
    }
    keys_added_.fetch_add(1);
    if (o_.validate_writes) {
      {
        std::lock_guard<std::mutex> l(mu_);
        to_validate_.push_back(Created{*bucket, args.keyname()});
      }
      cv_.notify_all();
    }
    return true;
  }

  // The volume or bucket number `n` once created (another thread may be creating it), or nullopt
  // once the run failed.
  template <typename V>
  std::optional<V> WaitFor(const std::map<int64_t, V>& map, int64_t n) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return !failure_.ok() || map.count(n) > 0; });
    if (!failure_.ok()) return std::nullopt;
    return map.at(n);
  }

  // Ozone's Validator: reads each added key back; here its record, whose size must be the size
  // written.
  void Validate() {
    for (;;) {
      Created c;
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [&] { return creating_done_ || !to_validate_.empty(); });
        if (to_validate_.empty() || interrupted_.load()) return;
        c = std::move(to_validate_.front());
        to_validate_.pop_front();
      }
      om::KeyArgs args;
      args.set_volumename(c.bucket.volume);
      args.set_bucketname(c.bucket.name);
      args.set_keyname(c.key);
      bool valid = false;
      Status looked_up = Timed(kKeyValidate, [&]() -> Status {
        OZ_ASSIGN_OR_RETURN(om::KeyInfo key, om_.LookupKey(args));
        valid = key.datasize() == 0;
        return Status::OK();
      });
      validated_.fetch_add(1);
      if (looked_up.ok() && valid) {
        validation_ok_.fetch_add(1);
      } else {
        validation_failed_.fetch_add(1);
      }
    }
  }

  // --clean-objects: every bucket's keys and the bucket, on the workers, then the volumes.
  void Clean(std::ostream& out, bool interactive) {
    std::atomic<int64_t> next{0};
    std::atomic<uint64_t> cleaned{0};
    {
      std::optional<ProgressBar> bar;
      if (total_buckets_ > 0) {
        bar.emplace(
            out, static_cast<uint64_t>(total_buckets_), [&] { return cleaned.load(); },
            interactive);
        bar->Start();
      }
      RunOnThreads([&] {
        for (int64_t b; !failed() && (b = next.fetch_add(1)) < total_buckets_;) {
          Status s = CleanBucket(buckets_.at(b));
          if (!s.ok()) return Fail(s);
          cleaned.fetch_add(1);
        }
      });
      if (bar) bar->Stop();
    }
    if (failed()) return;
    for (const auto& [n, volume] : volumes_) {
      Status s = om_.DeleteVolume(volume);
      if (!s.ok()) return Fail(s.WithContext("could not clean volume " + volume));
    }
  }

  Status CleanBucket(const Bucket& b) {
    om::ListKeysRequest list;
    list.set_volumename(b.volume);
    list.set_bucketname(b.name);
    list.set_count(1000);
    for (;;) {
      OZ_ASSIGN_OR_RETURN(om::ListKeysResponse page, om_.ListKeys(list));
      for (const om::KeyInfo& k : page.keyinfo()) {
        om::KeyArgs args;
        args.set_volumename(b.volume);
        args.set_bucketname(b.name);
        args.set_keyname(k.keyname());
        OZ_RETURN_IF_ERROR(om_.DeleteKey(args));
      }
      if (page.keyinfo().empty()) break;
      list.set_startkey(page.keyinfo().rbegin()->keyname());
    }
    return om_.DeleteBucket(b.volume, b.name).WithContext("could not clean bucket " + b.name);
  }

  void PrintStats(std::ostream& out, const std::string& revision) {
    RandomKeysFigures f;
    f.success = failure().ok();
    f.revision = revision;
    f.volumes_created = volumes_created_.load();
    f.buckets_created = buckets_created_.load();
    f.keys_added = keys_added_.load();
    f.replication = replication_;
    f.threads = o_.threads;
    f.validate_threads = o_.validate_threads;
    for (int op = 0; op < kOps; ++op) f.spent[op] = std::chrono::nanoseconds(spent_ns_[op].load());
    f.validate_writes = o_.validate_writes;
    f.validated = validated_.load();
    f.validation_ok = validation_ok_.load();
    f.validation_failed = validation_failed_.load();
    f.exec_time = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_);
    out << FormatRandomKeysSummary(f);
    out.flush();
    if (o_.json_dir.empty()) return;
    RandomKeysJob job{wall_start_, o_.volumes, o_.buckets, o_.keys, o_.buffer_size, {}};
    for (int op = kVolumeCreate; op <= kKeyWrite; ++op)
      job.latencies.push_back(timers_[op].Snapshot());
    const std::string path = o_.json_dir + "/" + RandomKeysJsonFileName(wall_start_);
    std::ofstream file(path);
    file << json::PrettyPrint(RandomKeysJobInfo(f, job));
    if (!file.good()) out << "Json File could not be created for the path: " << path << "\n";
  }

  const RandomKeysOptions& o_;
  client::OmClient& om_;
  const std::atomic<bool>& interrupted_;
  const std::optional<om::DefaultReplicationConfig> replication_;
  const std::optional<om::BucketLayout> layout_;
  const int64_t total_buckets_;
  const int64_t total_keys_;
  Clock::time_point start_;
  std::chrono::system_clock::time_point wall_start_;

  std::atomic<int> next_volume_{0};
  std::atomic<int64_t> next_bucket_{0};
  std::atomic<int64_t> next_key_{0};
  std::atomic<uint64_t> volumes_created_{0};
  std::atomic<uint64_t> buckets_created_{0};
  std::atomic<uint64_t> keys_added_{0};
  std::atomic<uint64_t> validated_{0};
  std::atomic<uint64_t> validation_ok_{0};
  std::atomic<uint64_t> validation_failed_{0};
  FreonTimer timers_[kOps];
  std::atomic<int64_t> spent_ns_[kOps] = {};

  std::mutex mu_;
  std::condition_variable cv_;
  Status failure_;                          // guarded by mu_
  std::map<int64_t, std::string> volumes_;  // guarded by mu_ while creating
  std::map<int64_t, Bucket> buckets_;       // guarded by mu_ while creating
  std::deque<Created> to_validate_;         // guarded by mu_
  bool creating_done_ = false;              // guarded by mu_
};

}  // namespace

void AddRandomKeysOptions(CLI::App& app, RandomKeysOptions& o) {
  app.add_option("--num-of-threads,--numOfThreads", o.threads,
                 "number of threads to be launched for the run")
      ->capture_default_str();
  app.add_option("--num-of-volumes,--numOfVolumes", o.volumes,
                 "specifies number of Volumes to be created in offline mode")
      ->capture_default_str();
  app.add_option("--num-of-buckets,--numOfBuckets", o.buckets,
                 "specifies number of Buckets to be created per Volume")
      ->capture_default_str();
  app.add_option("--num-of-keys,--numOfKeys", o.keys,
                 "specifies number of Keys to be created per Bucket")
      ->capture_default_str();
  app.add_option("--key-size,--keySize", o.key_size,
                 "Specifies the size of Key in bytes to be created (a number of bytes, or with a "
                 "unit: 10KB, 1MB)")
      ->capture_default_str();
  app.add_flag("--validate-writes,--validateWrites", o.validate_writes,
               "Specifies whether to validate keys after writing");
  app.add_option("--num-of-validate-threads,--numOfValidateThreads", o.validate_threads,
                 "number of threads to be launched for validating keys")
      ->capture_default_str();
  app.add_option("--buffer-size,--bufferSize", o.buffer_size,
                 "Specifies the buffer size while writing")
      ->capture_default_str();
  app.add_option("--json", o.json_dir, "directory where json is created");
  app.add_option("--type,--replication-type,--replicationType", o.type,
                 "Replication type (RATIS, STAND_ALONE, EC)");
  app.add_option("-r,--replication", o.replication,
                 "Replication (ONE, THREE, or an EC string as rs-3-2-1024k)");
  app.add_option("-F,--factor", o.factor, "[deprecated] Replication factor (ONE, THREE)");
  app.add_option("--bucket-layout", o.bucket_layout,
                 "Specifies the bucket layout (OBJECT_STORE, FILE_SYSTEM_OPTIMIZED, LEGACY)");
  app.add_option("--validation-channel", o.validation_channel,
                 "Validation channel used to read key data back (grpc, ratis)")
      ->capture_default_str();
  app.add_option("--om-service-id", o.om_service_id, "OM Service ID");
  app.add_flag("--clean-objects", o.clean_objects,
               "Specifies whether to clean the random generated volumes, buckets and keys");
}

Status CheckRandomKeysOptions(const RandomKeysOptions& o) {
  if (o.threads < 1 || o.validate_threads < 1 || o.volumes < 0 || o.buckets < 0 || o.keys < 0 ||
      o.buffer_size < 1) {
    return Status::InvalidArgument(
        "the numbers of threads and the buffer size must be positive, the numbers of volumes, "
        "buckets and keys not negative");
  }
  OZ_ASSIGN_OR_RETURN(uint64_t key_size,
                      config::ParseStorageSize(o.key_size, config::StorageUnit::kBytes));
  if (key_size > 0) {
    return Status::NotSupported(
        "NOT_SUPPORTED_OPERATION freon randomkeys: keys of " + std::to_string(key_size) +
        " bytes need the datanodes, which this build does not run yet; --key-size 0 creates "
        "the volumes, buckets and keys without data");
  }
  om::BucketLayout layout;
  if (!o.bucket_layout.empty() && !om::BucketLayout_Parse(o.bucket_layout, &layout)) {
    return Status::InvalidArgument(
        "--bucket-layout: expected OBJECT_STORE, FILE_SYSTEM_OPTIMIZED "
        "or LEGACY, not '" +
        o.bucket_layout + "'");
  }
  if (o.validation_channel != "grpc" && o.validation_channel != "ratis") {
    return Status::InvalidArgument("--validation-channel: expected grpc or ratis, not '" +
                                   o.validation_channel + "'");
  }
  return ReplicationFrom(o).status();
}

Status RunRandomKeys(const RandomKeysOptions& o, client::OmClient& om, std::ostream& out,
                     bool interactive, const std::string& revision,
                     const std::atomic<bool>& interrupted) {
  OZ_RETURN_IF_ERROR(CheckRandomKeysOptions(o));
  OZ_ASSIGN_OR_RETURN(std::optional<om::DefaultReplicationConfig> replication, ReplicationFrom(o));
  OZ_ASSIGN_OR_RETURN(std::optional<om::BucketLayout> layout, LayoutFrom(o));
  RandomKeyRun run(o, om, std::move(replication), layout, interrupted);
  return run.Run(out, interactive, revision);
}

}  // namespace ozone::tools::freon
