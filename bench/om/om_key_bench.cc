// om_key_bench: key creates on an OM ring (OpenKey then CommitKey with the returned session id,
// keys with no data, in one volume/bucket), for bench/om_bench.
//
//   om_key_bench --config=<dir with ozone-site.xml> [--outstanding=1] [--clients=0]
//                [--channels=4] [--async [--transport=framed|stream|unary] [--threads=2]]
//                [--volume=benchvol]
//                [--bucket=benchbucket] [--prefix=k] [--warmup-ms=1000] [--duration-ms=5000]
//                [--label=...]
//
// Through client::OmClient by default: it is synchronous, so N outstanding = N worker threads,
// each doing open+commit in a loop; they share --clients OmClient instances (0: one per 64
// workers), each with --channels connections per OM (OmClient multiplexes its calls over one
// SubmitStream per connection). With --async, the N creates are driven asynchronously over
// --channels connections to the leader (as etcd's benchmark tool drives its puts;
// AsyncCreateLoad): as framed calls (--transport=framed, the default, as OmClient's), over
// SubmitStream (--transport=stream) or with one Submit call each from --threads completion-queue
// threads (--transport=unary). The volume and bucket are
// created first unless they exist. Operations that complete during --duration-ms after --warmup-ms
// are counted:
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
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "async_create_load.h"
#include "client/om_client.h"
#include "common/config/config_loader.h"
#include "common/uuid.h"

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

// N outstanding through OmClient: N worker threads, each doing open + commit in a loop.
bench::CreateLoadResult RunSyncCreates(
    const std::vector<std::unique_ptr<client::OmClient>>& oms, int outstanding,
    Clock::time_point start, Clock::time_point end,
    const std::function<om::KeyArgs(int, uint64_t)>& key_args) {
  std::atomic<uint64_t> errors{0}, total_writes{0};
  std::mutex mu;
  bench::CreateLoadResult result;
  auto worker = [&](int id) {
    client::OmClient& c = *oms[static_cast<size_t>(id) % oms.size()];
    std::vector<double> mine, mine_open;
    mine.reserve(4096);
    mine_open.reserve(4096);
    for (uint64_t n = 0;; ++n) {
      if (Clock::now() >= end) break;
      om::KeyArgs args = key_args(id, n);
      auto s0 = Clock::now();
      auto session = c.OpenKey(args);
      auto s_open = Clock::now();
      Status st = session.ok() ? c.CommitKey(args, session->id()) : session.status();
      auto s1 = Clock::now();
      if (!st.ok()) {
        errors.fetch_add(1);
        std::lock_guard<std::mutex> l(mu);
        if (result.first_error.empty()) result.first_error = st.ToString();
        continue;
      }
      total_writes.fetch_add(2, std::memory_order_relaxed);
      if (s1 >= start && s1 <= end) {  // completed in the window
        mine.push_back(std::chrono::duration<double, std::milli>(s1 - s0).count());
        mine_open.push_back(std::chrono::duration<double, std::milli>(s_open - s0).count());
      }
    }
    std::lock_guard<std::mutex> l(mu);
    result.create_ms.insert(result.create_ms.end(), mine.begin(), mine.end());
    result.open_ms.insert(result.open_ms.end(), mine_open.begin(), mine_open.end());
  };
  // Small stacks: up to thousands of mostly blocked threads on a 2-core machine.
  std::vector<pthread_t> threads(static_cast<size_t>(outstanding));
  struct Arg {
    decltype(worker)* fn;
    int id;
  };
  std::vector<Arg> targs(static_cast<size_t>(outstanding));
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512 * 1024);
  for (int i = 0; i < outstanding; ++i) {
    targs[static_cast<size_t>(i)] = {&worker, i};
    if (pthread_create(&threads[static_cast<size_t>(i)], &attr, [](void* p) -> void* {
          auto* a = static_cast<Arg*>(p);
          (*a->fn)(a->id);
          return nullptr;
        }, &targs[static_cast<size_t>(i)]) != 0) {
      std::fprintf(stderr, "pthread_create failed at %d\n", i);
      for (int j = 0; j < i; ++j) pthread_join(threads[static_cast<size_t>(j)], nullptr);
      result.first_error = "pthread_create";
      return result;
    }
  }
  for (auto& t : threads) pthread_join(t, nullptr);
  result.writes = total_writes.load();
  result.errors = errors.load();
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  // As `ozone` does: no abseil lock-order checking on every absl::Mutex acquisition (gRPC's).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  CLI::App app{"om_key_bench: OpenKey + CommitKey load on an OM ring"};
  std::string config_dir, volume = "benchvol", bucket = "benchbucket", prefix = "k", label;
  int outstanding = 1, clients = 0, channels = 4, warmup_ms = 1000, duration_ms = 5000;
  int threads = 2;
  bool async = false;
  app.add_option("--config", config_dir, "configuration directory (ozone-site.xml)")->required();
  app.add_option("--outstanding", outstanding, "concurrent creates (worker threads)");
  app.add_option("--clients", clients, "OmClient instances (0: one per 64 workers)");
  app.add_option("--channels", channels, "connections per OM per client");
  app.add_flag("--async", async, "drive the creates through gRPC's async API (no OmClient)");
  std::string transport = "framed";
  app.add_option("--transport", transport,
                 "with --async: framed (OmClient's default), stream (SubmitStream) or unary")
      ->check(CLI::IsMember({"framed", "stream", "unary"}));
  app.add_option("--threads", threads, "with --async --transport=unary: completion-queue threads");
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
  bench::CreateLoadResult result;
  if (async) {
    bench::AsyncCreateOptions ao;
    ao.address = om0.current_node().address;
    ao.outstanding = outstanding;
    ao.streamed = transport == "stream" || transport == "framed";
    ao.framed = transport == "framed";
    ao.threads = threads;
    ao.channels = channels;
    ao.client_id = Uuid::Random().ToString();  // call ids from 1: not OmClient's id
    ao.user_name = om0.user_name();
    ao.key_args = [&](int id, uint64_t n) {
      return make_args(prefix + "-" + std::to_string(id) + "-" + std::to_string(n), om0);
    };
    ao.start = start;
    ao.end = end;
    result = bench::RunAsyncCreates(ao);
  } else {
    result = RunSyncCreates(oms, outstanding, start, end, [&](int id, uint64_t n) {
      return make_args(prefix + "-" + std::to_string(id) + "-" + std::to_string(n), om0);
    });
    if (result.first_error == "pthread_create") return 1;
  }
  const double cpu = CpuSeconds() - cpu0;
  const double secs = duration_ms / 1000.0;
  std::vector<double>& lat_ms = result.create_ms;
  std::vector<double>& open_ms = result.open_ms;
  std::sort(lat_ms.begin(), lat_ms.end());
  std::sort(open_ms.begin(), open_ms.end());
  const double creates = lat_ms.size();
  const uint64_t tw = result.writes;
  std::printf(
      "RESULT om-key-create outstanding=%d writes_per_s=%.0f creates_per_s=%.0f p50_ms=%.3f "
      "p99_ms=%.3f max_ms=%.3f open_p50_ms=%.3f errors=%llu client_cpu_us_per_write=%.1f "
      "open_req_bytes=%zu commit_req_bytes=%zu total_writes=%llu clients=%zu channels=%d%s%s%s%s\n",
      outstanding, 2 * creates / secs, creates / secs, Pct(lat_ms, 0.5), Pct(lat_ms, 0.99),
      lat_ms.empty() ? 0.0 : lat_ms.back(), Pct(open_ms, 0.5),
      static_cast<unsigned long long>(result.errors), tw ? cpu * 1e6 / tw : 0.0, open_bytes,
      commit_bytes, static_cast<unsigned long long>(tw), async ? 0 : oms.size(), channels,
      async ? (" transport=" + transport + " async_threads=").c_str() : "",
      async ? std::to_string(threads).c_str() : "",
      label.empty() ? "" : " label=", label.c_str());
  if (!result.first_error.empty()) {
    std::fprintf(stderr, "first error: %s\n", result.first_error.c_str());
  }
  return 0;
}
