// om_key_bench: key creates on an OM ring (OpenKey then CommitKey with the returned session id,
// keys with no data, in one volume/bucket) through client::OmClient, for bench/om_bench.
//
//   om_key_bench --config=<dir with ozone-site.xml> [--outstanding=1] [--clients=0]
//                [--channels=4] [--volume=benchvol] [--bucket=benchbucket] [--prefix=k]
//                [--warmup-ms=1000] [--duration-ms=5000] [--label=...]
//
// OmClient is synchronous, so N outstanding = N worker threads, each doing open+commit in a loop;
// they share --clients OmClient instances (0: one per 64 workers), each with --channels
// connections per OM. The volume and bucket are created first unless they exist. Operations that
// complete during --duration-ms after --warmup-ms are counted:
//
//   RESULT om-key-create outstanding=N writes_per_s=.. creates_per_s=.. p50_ms=.. p99_ms=..
//          max_ms=.. errors=E client_cpu_us_per_write=.. open_req_bytes=.. commit_req_bytes=..
//
// writes = replicated OM writes (each open and each commit counts one); p50/p99/max are of a
// whole create (open + commit); open/commit_req_bytes = serialized OMRequest sizes (what the
// script gives etcd as the value size).
#include <absl/synchronization/mutex.h>
#include <pthread.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/om_client.h"
#include "common/config/config_loader.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace ozone;

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double Pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  // As `ozone` does: no abseil lock-order checking on every absl::Mutex acquisition (gRPC's).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  CLI::App app{"om_key_bench: OpenKey + CommitKey load on an OM ring"};
  std::string config_dir, volume = "benchvol", bucket = "benchbucket", prefix = "k", label;
  int outstanding = 1, clients = 0, channels = 4, warmup_ms = 1000, duration_ms = 5000;
  app.add_option("--config", config_dir, "configuration directory (ozone-site.xml)")->required();
  app.add_option("--outstanding", outstanding, "concurrent creates (worker threads)");
  app.add_option("--clients", clients, "OmClient instances (0: one per 64 workers)");
  app.add_option("--channels", channels, "connections per OM per client");
  app.add_option("--volume", volume);
  app.add_option("--bucket", bucket);
  app.add_option("--prefix", prefix, "key name prefix (unique per run)");
  app.add_option("--warmup-ms", warmup_ms);
  app.add_option("--duration-ms", duration_ms);
  app.add_option("--label", label);
  CLI11_PARSE(app, argc, argv);
  if (clients <= 0) clients = std::max(1, (outstanding + 63) / 64);

  config::ConfigSources sources;
  sources.config_dir = config_dir;
  auto conf = config::LoadConfiguration(sources);
  if (!conf.ok()) {
    std::fprintf(stderr, "config: %s\n", conf.status().ToString().c_str());
    return 1;
  }
  auto fo = client::OmFailoverOptions(*conf);
  if (!fo.ok()) {
    std::fprintf(stderr, "failover options: %s\n", fo.status().ToString().c_str());
    return 1;
  }
  fo->channels_per_endpoint = channels;
  std::vector<std::unique_ptr<client::OmClient>> oms;
  for (int i = 0; i < clients; ++i) {
    client::OmClientOptions o;
    o.failover = *fo;
    auto c = client::OmClient::Create(*conf, o);
    if (!c.ok()) {
      std::fprintf(stderr, "OmClient: %s\n", c.status().ToString().c_str());
      return 1;
    }
    oms.push_back(std::move(*c));
  }
  client::OmClient& om0 = *oms[0];
  {  // The volume and the bucket (as freon's EnsureBucket).
    om::VolumeInfo v;
    v.set_volume(volume);
    v.set_adminname(om0.user_name());
    v.set_ownername(om0.user_name());
    Status s = om0.CreateVolume(v);
    if (!s.ok() && !s.IsAlreadyExists()) {
      std::fprintf(stderr, "create volume: %s\n", s.ToString().c_str());
      return 1;
    }
    om::BucketInfo b;
    b.set_volumename(volume);
    b.set_bucketname(bucket);
    b.set_isversionenabled(false);
    b.set_storagetype(om::DISK);
    b.set_owner(om0.user_name());
    s = om0.CreateBucket(b);
    if (!s.ok() && !s.IsAlreadyExists()) {
      std::fprintf(stderr, "create bucket: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  auto make_args = [&](const std::string& name, client::OmClient& c) {
    om::KeyArgs a;
    a.set_volumename(volume);
    a.set_bucketname(bucket);
    a.set_keyname(name);
    a.set_datasize(0);
    a.set_ownername(c.user_name());
    return a;
  };
  size_t open_bytes = 0, commit_bytes = 0;
  {
    om::OMRequest r;
    r.set_cmdtype(om::CreateKey);
    r.set_clientid(om0.client_id());
    r.set_callid(1);
    *r.mutable_createkeyrequest()->mutable_keyargs() =
        make_args(prefix + "-000-0000000", om0);
    open_bytes = r.ByteSizeLong();
    om::OMRequest c;
    c.set_cmdtype(om::CommitKey);
    c.set_clientid(om0.client_id());
    c.set_callid(2);
    *c.mutable_commitkeyrequest()->mutable_keyargs() = make_args(prefix + "-000-0000000", om0);
    c.mutable_commitkeyrequest()->set_clientid(1ull << 40);
    commit_bytes = c.ByteSizeLong();
  }

  const auto t0 = Clock::now();
  const auto start = t0 + std::chrono::milliseconds(warmup_ms);
  const auto end = start + std::chrono::milliseconds(duration_ms);
  const double cpu0 = CpuSeconds();
  std::atomic<uint64_t> errors{0}, total_writes{0};
  std::mutex mu;
  std::vector<double> lat_ms, open_ms;  // whole create; its OpenKey part
  std::string first_error;
  auto worker = [&](int id) {
    client::OmClient& c = *oms[id % oms.size()];
    std::vector<double> mine, mine_open;
    mine.reserve(4096);
    mine_open.reserve(4096);
    char name[96];
    for (uint64_t n = 0;; ++n) {
      auto now = Clock::now();
      if (now >= end) break;
      std::snprintf(name, sizeof name, "%s-%d-%llu", prefix.c_str(), id,
                    static_cast<unsigned long long>(n));
      om::KeyArgs args = make_args(name, c);
      auto s0 = Clock::now();
      auto session = c.OpenKey(args);
      auto s_open = Clock::now();
      Status st = session.ok() ? c.CommitKey(args, session->id()) : session.status();
      auto s1 = Clock::now();
      if (!st.ok()) {
        errors.fetch_add(1);
        std::lock_guard<std::mutex> l(mu);
        if (first_error.empty()) first_error = st.ToString();
        continue;
      }
      total_writes.fetch_add(2, std::memory_order_relaxed);
      if (s1 >= start && s1 <= end) {  // completed in the window
        mine.push_back(std::chrono::duration<double, std::milli>(s1 - s0).count());
        mine_open.push_back(std::chrono::duration<double, std::milli>(s_open - s0).count());
      }
    }
    std::lock_guard<std::mutex> l(mu);
    lat_ms.insert(lat_ms.end(), mine.begin(), mine.end());
    open_ms.insert(open_ms.end(), mine_open.begin(), mine_open.end());
  };
  // Small stacks: up to thousands of mostly blocked threads on a 2-core machine.
  std::vector<pthread_t> threads(outstanding);
  struct Arg {
    decltype(worker)* fn;
    int id;
  };
  std::vector<Arg> targs(outstanding);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512 * 1024);
  for (int i = 0; i < outstanding; ++i) {
    targs[i] = {&worker, i};
    if (pthread_create(&threads[i], &attr, [](void* p) -> void* {
          auto* a = static_cast<Arg*>(p);
          (*a->fn)(a->id);
          return nullptr;
        }, &targs[i]) != 0) {
      std::fprintf(stderr, "pthread_create failed at %d\n", i);
      return 1;
    }
  }
  for (auto& t : threads) pthread_join(t, nullptr);
  const double cpu = CpuSeconds() - cpu0;
  const double secs = duration_ms / 1000.0;
  std::sort(lat_ms.begin(), lat_ms.end());
  std::sort(open_ms.begin(), open_ms.end());
  const double creates = lat_ms.size();
  const uint64_t tw = total_writes.load();
  std::printf(
      "RESULT om-key-create outstanding=%d writes_per_s=%.0f creates_per_s=%.0f p50_ms=%.3f "
      "p99_ms=%.3f max_ms=%.3f open_p50_ms=%.3f errors=%llu client_cpu_us_per_write=%.1f "
      "open_req_bytes=%zu commit_req_bytes=%zu total_writes=%llu clients=%zu channels=%d%s%s\n",
      outstanding, 2 * creates / secs, creates / secs, Pct(lat_ms, 0.5), Pct(lat_ms, 0.99),
      lat_ms.empty() ? 0.0 : lat_ms.back(), Pct(open_ms, 0.5),
      static_cast<unsigned long long>(errors.load()), tw ? cpu * 1e6 / tw : 0.0, open_bytes,
      commit_bytes, static_cast<unsigned long long>(tw), oms.size(), channels,
      label.empty() ? "" : " label=", label.c_str());
  if (!first_error.empty()) std::fprintf(stderr, "first error: %s\n", first_error.c_str());
  return 0;
}
