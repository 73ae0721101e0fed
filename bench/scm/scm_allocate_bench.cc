// scm_allocate_bench: allocateBlock load on an SCM ring, as OM drives it (ScmBlockLocationProtocol
// over gRPC), for bench/scm_bench.
//
//   scm_allocate_bench --addresses=H:P,H:P,H:P [--clients=64] [--num-blocks=1]
//                      [--transport=stream|unary] [--threads=2] [--channels=1]
//                      [--warmup-ms=1000] [--duration-ms=5000]
//                      [--batch-size=1000 --boundary-rem=R] [--label=...]
//
// The leader is found among --addresses (the block location ports) with GetScmInfo: the one that
// answers (followers answer NotLeader). `clients` calls are then kept outstanding on it at all
// times; each completed call is timed and at once replaced by another. How the calls travel:
//   stream  (default; what ScmClient, hence OM, does) AllocateScmBlock calls multiplexed over
//           AllocateScmBlockStream, one stream per connection (rpc::CallStream), the clients
//           spread over --channels connections; each call is one request of numBlocks blocks,
//           answered on its own;
//   unary   one AllocateScmBlock gRPC call each (asynchronous gRPC over --threads completion
//           queues, spread over --channels connections).
// Calls that complete during the --duration-ms after --warmup-ms are counted:
//
//   RESULT scm-allocate clients=N num_blocks=B blocks_per_s=.. calls_per_s=.. p50_ms=.. p99_ms=..
//          max_ms=.. errors=E dup_ids=D client_cpu_us_per_call=..
//   RESULT scm-allocate-boundary clients=N num_blocks=B boundary_calls=.. boundary_p50_ms=..
//          boundary_p99_ms=.. boundary_max_ms=.. ordinary_p50_ms=.. ordinary_p99_ms=..
//          ordinary_max_ms=..
//
// A boundary call is one that received the first localId of a sequence-id batch, i.e. the call
// that had to replicate the reservation of a new batch through Raft before it could be answered:
// batches are (last, last + batch] with every `last` congruent modulo the batch size, so the
// first ids are those with id % batch == --boundary-rem (the script reads the last reserved
// localId from the sequenceId table: rem = (last + 1) % batch). Without --boundary-rem no
// boundary line is printed. errors = calls that failed (gRPC status or an error in the
// response); dup_ids = localIds handed out more than once during the whole run (must be 0);
// client_cpu_us_per_call = this process's CPU time over the calls of the whole run.
#include <absl/synchronization/mutex.h>
#include <google/protobuf/arena.h>
#include <grpcpp/grpcpp.h>

#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <condition_variable>
#include <functional>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "rpc/call_stream.h"
#include "scm.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
using ozone::scm::AllocateScmBlockRequest;
using ozone::scm::AllocateScmBlockResponse;
using ozone::scm::ScmBlockLocationProtocol;

struct Options {
  std::vector<std::string> addresses;
  int clients = 64;
  uint32_t num_blocks = 1;
  int threads = 1;
  int channels = 1;
  int warmup_ms = 1000;
  int duration_ms = 5000;
  uint64_t size = uint64_t{256} << 20;
  std::string owner = "om1";
  uint64_t batch_size = 1000;
  std::optional<uint64_t> boundary_rem;
  std::string label;
  int leader_timeout_ms = 60'000;
  std::string transport = "stream";
};

// One measured call.
struct Sample {
  uint32_t latency_us;
  bool boundary;
};

// What one completion-queue thread saw.
struct ThreadStats {
  std::vector<Sample> samples;  // calls completed in the measured window
  std::vector<int64_t> local_ids;  // every localId received (whole run)
  uint64_t blocks = 0;  // in the window
  uint64_t errors = 0;  // in the window
  uint64_t errors_total = 0;
  std::string first_error;

  // Records one completed call (`error` empty if it succeeded).
  void Record(const Options& o, const std::string& error, const AllocateScmBlockResponse& resp,
              Clock::time_point start, Clock::time_point now, bool in_window) {
    bool failed = !error.empty() || resp.has_error() ||
                  resp.blocks_size() != static_cast<int>(o.num_blocks);
    bool boundary = false;
    if (!failed) {
      for (const auto& b : resp.blocks()) {
        const int64_t id = b.containerblockid().localid();
        local_ids.push_back(id);
        if (o.boundary_rem && static_cast<uint64_t>(id) % o.batch_size == *o.boundary_rem) {
          boundary = true;
        }
      }
    } else {
      ++errors_total;
      if (first_error.empty()) {
        first_error = !error.empty()     ? error
                      : resp.has_error() ? resp.error().ShortDebugString()
                                         : "short response";
      }
    }
    if (!in_window) return;
    if (failed) {
      ++errors;
      return;
    }
    blocks += static_cast<uint64_t>(resp.blocks_size());
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - start).count();
    samples.push_back({static_cast<uint32_t>(std::min<int64_t>(us, UINT32_MAX)), boundary});
  }
};

// The measured window of a run.
struct Window {
  Clock::time_point start;
  Clock::time_point end;
  bool Contains(Clock::time_point t) const { return t >= start && t <= end; }
};

// One outstanding call slot ("client"). The response is parsed onto an arena whose first block
// is part of the slot (as a careful OM would), reset call after call.
struct Call {
  Call() : arena(ArenaOptionsOf(first_block, sizeof(first_block))) {}
  static google::protobuf::ArenaOptions ArenaOptionsOf(char* block, size_t size) {
    google::protobuf::ArenaOptions o;
    o.initial_block = block;
    o.initial_block_size = size;
    return o;
  }
  ScmBlockLocationProtocol::Stub* stub = nullptr;
  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<grpc::ClientAsyncResponseReader<AllocateScmBlockResponse>> reader;
  alignas(16) char first_block[16 << 10];
  google::protobuf::Arena arena;
  AllocateScmBlockResponse* resp = nullptr;
  grpc::Status status;
  Clock::time_point start;
};

std::shared_ptr<grpc::Channel> Connect(const std::string& address, int index) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  // Distinct arguments keep the channels on distinct connections.
  args.SetInt("ozone.bench.channel", index);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // Per-call machinery this client has no use for (no retry policy, nothing reads channelz).
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  args.SetInt(GRPC_ARG_ENABLE_CHANNELZ, 0);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

// The address of the ready leader among `addresses`, or empty after the timeout.
std::string FindLeader(const Options& o) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(o.leader_timeout_ms);
  std::vector<std::unique_ptr<ScmBlockLocationProtocol::Stub>> stubs;
  for (size_t i = 0; i < o.addresses.size(); ++i) {
    stubs.push_back(ScmBlockLocationProtocol::NewStub(Connect(o.addresses[i], 1000)));
  }
  while (Clock::now() < deadline) {
    for (size_t i = 0; i < o.addresses.size(); ++i) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
      ozone::scm::GetScmInfoResponse resp;
      if (stubs[i]->GetScmInfo(&ctx, ozone::scm::GetScmInfoRequest(), &resp).ok()) {
        return o.addresses[i];
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "";
}

double Percentile(const std::vector<uint32_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)] / 1000.0;
}

// Unary calls (see the header comment).
std::vector<ThreadStats> RunUnary(const Options& o, const std::string& leader,
                                  const AllocateScmBlockRequest& req, const Window& window) {
  std::vector<std::unique_ptr<ScmBlockLocationProtocol::Stub>> stubs;
  for (int c = 0; c < std::max(1, o.channels); ++c) {
    stubs.push_back(ScmBlockLocationProtocol::NewStub(Connect(leader, c)));
  }
  const int threads = std::max(1, std::min(o.threads, o.clients));
  std::vector<std::unique_ptr<grpc::CompletionQueue>> cqs;
  std::vector<ThreadStats> stats(threads);
  std::vector<std::vector<std::unique_ptr<Call>>> calls(threads);
  for (int t = 0; t < threads; ++t) cqs.push_back(std::make_unique<grpc::CompletionQueue>());
  for (int i = 0; i < o.clients; ++i) {
    auto call = std::make_unique<Call>();
    call->stub = stubs[i % stubs.size()].get();
    calls[i % threads].push_back(std::move(call));
  }
  std::atomic<bool> stopping{false};

  auto issue = [&](Call* call, grpc::CompletionQueue* cq) {
    call->ctx = std::make_unique<grpc::ClientContext>();
    call->ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    call->arena.Reset();
    call->resp = google::protobuf::Arena::CreateMessage<AllocateScmBlockResponse>(&call->arena);
    call->start = Clock::now();
    call->reader = call->stub->PrepareAsyncAllocateScmBlock(call->ctx.get(), req, cq);
    call->reader->StartCall();
    call->reader->Finish(call->resp, &call->status, call);
  };

  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      grpc::CompletionQueue* cq = cqs[t].get();
      ThreadStats& st = stats[t];
      st.samples.reserve(1 << 20);
      for (auto& call : calls[t]) issue(call.get(), cq);
      size_t outstanding = calls[t].size();
      void* tag = nullptr;
      bool ok = false;
      while (outstanding > 0 && cq->Next(&tag, &ok)) {
        Call* call = static_cast<Call*>(tag);
        const auto now = Clock::now();
        std::string error = !ok                  ? "completion failed"
                            : !call->status.ok() ? call->status.error_message()
                                                 : "";
        st.Record(o, error, *call->resp, call->start, now, window.Contains(now));
        if (now >= window.end) stopping.store(true, std::memory_order_relaxed);
        if (stopping.load(std::memory_order_relaxed)) {
          --outstanding;
        } else {
          issue(call, cq);
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  for (auto& cq : cqs) {
    cq->Shutdown();
    void* tag;
    bool ok;
    while (cq->Next(&tag, &ok)) {
    }
  }
  return stats;
}

// Calls multiplexed over streams (see the header comment). Replies arrive on gRPC's callback
// threads: the statistics are shared under a mutex.
std::vector<ThreadStats> RunStreamed(const Options& o, const std::string& leader,
                                     const AllocateScmBlockRequest& req, const Window& window) {
  std::vector<std::unique_ptr<ozone::rpc::CallStream>> streams;
  for (int c = 0; c < std::max(1, o.channels); ++c) {
    streams.push_back(std::make_unique<ozone::rpc::CallStream>(
        Connect(leader, c), "/ozone.scm.ScmBlockLocationProtocol/AllocateScmBlockStream", leader));
  }
  const std::string request = req.SerializeAsString();
  std::vector<ThreadStats> stats(1);
  stats[0].samples.reserve(1 << 20);
  std::mutex mu;
  std::condition_variable all_done;
  int outstanding = o.clients;  // guarded by mu
  bool stopping = false;         // guarded by mu

  std::function<void(ozone::rpc::CallStream*)> issue = [&](ozone::rpc::CallStream* stream) {
    const auto start = Clock::now();
    stream->CallAsync(request, [&, stream, start](ozone::rpc::CallOutcome outcome,
                                                  std::string_view response) {
      const auto now = Clock::now();
      // Parsed onto an arena reused by the thread, as the unary calls are.
      thread_local google::protobuf::Arena arena;
      arena.Reset();
      auto* resp = google::protobuf::Arena::CreateMessage<AllocateScmBlockResponse>(&arena);
      std::string error = outcome.status.ToString();
      if (outcome.status.ok()) {
        error.clear();
        if (!resp->ParseFromArray(response.data(), static_cast<int>(response.size()))) {
          error = "unparsable response";
        }
      }
      bool again;
      {
        std::lock_guard<std::mutex> l(mu);
        stats[0].Record(o, error, *resp, start, now, window.Contains(now));
        if (now >= window.end) stopping = true;
        again = !stopping;
        if (!again && --outstanding == 0) all_done.notify_all();
      }
      if (again) issue(stream);
    });
  };
  for (int i = 0; i < o.clients; ++i) issue(streams[i % streams.size()].get());
  std::unique_lock<std::mutex> l(mu);
  all_done.wait(l, [&] { return outstanding == 0; });
  return stats;
}

int Run(const Options& o) {
  const std::string leader = FindLeader(o);
  if (leader.empty()) {
    std::fprintf(stderr, "no ready leader among the addresses within %d ms\n", o.leader_timeout_ms);
    return 1;
  }
  std::fprintf(stderr, "leader: %s\n", leader.c_str());
  AllocateScmBlockRequest req;
  req.set_size(o.size);
  req.set_numblocks(o.num_blocks);
  req.set_type(ozone::hdds::RATIS);
  req.set_factor(ozone::hdds::THREE);
  req.set_owner(o.owner);
  Window window;
  window.start = Clock::now() + std::chrono::milliseconds(o.warmup_ms);
  window.end = window.start + std::chrono::milliseconds(o.duration_ms);
  const std::vector<ThreadStats> stats = o.transport == "unary"
                                             ? RunUnary(o, leader, req, window)
                                             : RunStreamed(o, leader, req, window);

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu_us = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 +
                        static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  std::vector<uint32_t> all, boundary, ordinary;
  std::vector<int64_t> ids;
  uint64_t blocks = 0, errors = 0, errors_total = 0;
  std::string first_error;
  for (const ThreadStats& st : stats) {
    for (const Sample& s : st.samples) {
      all.push_back(s.latency_us);
      (s.boundary ? boundary : ordinary).push_back(s.latency_us);
    }
    ids.insert(ids.end(), st.local_ids.begin(), st.local_ids.end());
    blocks += st.blocks;
    errors += st.errors;
    errors_total += st.errors_total;
    if (first_error.empty()) first_error = st.first_error;
  }
  std::sort(ids.begin(), ids.end());
  const size_t dups = static_cast<size_t>(ids.end() - std::unique(ids.begin(), ids.end()));
  for (auto* v : {&all, &boundary, &ordinary}) std::sort(v->begin(), v->end());
  // Calls of the whole run (warm-up included), for the CPU cost per call.
  const size_t calls_total = ids.size() / o.num_blocks + errors_total;
  const double seconds = o.duration_ms / 1000.0;
  const std::string label = o.label.empty() ? "" : " label=" + o.label;
  std::printf(
      "RESULT scm-allocate clients=%d num_blocks=%u blocks_per_s=%.0f calls_per_s=%.0f "
      "p50_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%" PRIu64 " dup_ids=%zu client_cpu_us_per_call=%.1f "
      "transport=%s%s\n",
      o.clients, o.num_blocks, static_cast<double>(blocks) / seconds,
      static_cast<double>(all.size()) / seconds, Percentile(all, 0.5), Percentile(all, 0.99),
      all.empty() ? 0.0 : all.back() / 1000.0, errors, dups,
      calls_total == 0 ? 0.0 : cpu_us / static_cast<double>(calls_total), o.transport.c_str(),
      label.c_str());
  if (o.boundary_rem) {
    std::printf(
        "RESULT scm-allocate-boundary clients=%d num_blocks=%u batch=%" PRIu64
        " boundary_calls=%zu boundary_p50_ms=%.3f boundary_p99_ms=%.3f boundary_max_ms=%.3f "
        "ordinary_p50_ms=%.3f ordinary_p99_ms=%.3f ordinary_max_ms=%.3f%s\n",
        o.clients, o.num_blocks, o.batch_size, boundary.size(), Percentile(boundary, 0.5),
        Percentile(boundary, 0.99), boundary.empty() ? 0.0 : boundary.back() / 1000.0,
        Percentile(ordinary, 0.5), Percentile(ordinary, 0.99),
        ordinary.empty() ? 0.0 : ordinary.back() / 1000.0, label.c_str());
  }
  std::fflush(stdout);
  if (errors_total > 0) {
    std::fprintf(stderr, "%" PRIu64 " failed calls; first: %s\n", errors_total,
                 first_error.c_str());
  }
  return dups == 0 ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's abseil checks every absl::Mutex acquisition (gRPC's) for lock-order cycles.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  Options o;
  std::string addresses;
  uint64_t boundary_rem = 0;
  CLI::App app("allocateBlock load on an SCM ring", "scm_allocate_bench");
  app.add_option("--addresses", addresses, "Block location addresses of the SCMs (H:P,...)")
      ->required();
  app.add_option("--clients", o.clients, "Calls kept outstanding");
  app.add_option("--num-blocks", o.num_blocks, "Blocks per call (numBlocks)");
  app.add_option("--transport", o.transport, "stream (calls over one stream per connection) or unary")
      ->check(CLI::IsMember({"stream", "unary"}));
  app.add_option("--threads", o.threads, "Client completion-queue threads (unary)");
  app.add_option("--channels", o.channels, "Connections to the leader");
  app.add_option("--warmup-ms", o.warmup_ms, "Unmeasured time first");
  app.add_option("--duration-ms", o.duration_ms, "Measured time");
  app.add_option("--size", o.size, "Block size asked for");
  app.add_option("--owner", o.owner, "Owner (the OM service id)");
  app.add_option("--batch-size", o.batch_size, "ozone.scm.sequence.id.batch.size of the ring");
  auto* rem = app.add_option("--boundary-rem", boundary_rem,
                             "First ids of batches: id % batch-size == this");
  app.add_option("--label", o.label, "Appended to the RESULT lines");
  app.add_option("--leader-timeout-ms", o.leader_timeout_ms, "Longest wait for a ready leader");
  CLI11_PARSE(app, argc, argv);
  if (*rem) o.boundary_rem = boundary_rem % std::max<uint64_t>(1, o.batch_size);
  std::stringstream ss(addresses);
  for (std::string a; std::getline(ss, a, ',');) {
    if (!a.empty()) o.addresses.push_back(a);
  }
  if (o.addresses.empty() || o.clients < 1 || o.num_blocks < 1 || o.duration_ms < 1) {
    std::fprintf(stderr, "need addresses, clients >= 1, num-blocks >= 1, duration-ms >= 1\n");
    return 2;
  }
  return Run(o);
}
