// raft_transport_bench: two GrpcTransports on 127.0.0.1 in one process.
//   (a) ping-pong: one small message there and its answer back, one at a time (p50/p99 RTT);
//   (b) one-way throughput of Append messages with 64 entries of 104 B, with a window of
//       messages in flight (like a leader pipelining to one follower).
// Prints one "RESULT <name> <value> <unit>" line per figure.
//
// Usage: raft_transport_bench [--pingpong N] [--seconds S] [--window W] [--entries E]
//                             [--entry-bytes B]
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "ha/raft/transport/grpc_transport.h"

namespace ozone::raft {
namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  int pingpong = 20000;
  double seconds = 3;
  int window = 64;
  int entries = 64;
  int entry_bytes = 104;
};

std::unique_ptr<GrpcTransport> StartOrDie() {
  GrpcTransportOptions options;
  options.listen_address = "127.0.0.1:0";
  options.cluster_id = "bench";
  Result<std::unique_ptr<GrpcTransport>> t = GrpcTransport::Start(options);
  if (!t.ok()) {
    std::fprintf(stderr, "cannot start transport: %s\n", t.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(t).value();
}

std::string Address(const GrpcTransport& t) { return "127.0.0.1:" + std::to_string(t.port()); }

void Result(const char* name, double value, const char* unit) {
  std::printf("RESULT %s %.2f %s\n", name, value, unit);
}

// A waits for the answer to each message before sending the next.
void PingPong(GrpcTransport& a, GrpcTransport& b, int iterations) {
  const std::string a_address = Address(a), b_address = Address(b);
  std::mutex mu;
  std::condition_variable cv;
  uint64_t answered = 0;  // GUARDED_BY(mu): context of the latest answer
  if (!b.RegisterGroup("ping", GroupHandler{[&](std::vector<Message> batch) {
                                              for (Message& m : batch) {
                                                Message reply;
                                                reply.type = MessageType::kHeartbeatResponse;
                                                reply.from = "b";
                                                reply.to = "a";
                                                reply.term = m.term;
                                                reply.context = m.context;
                                                b.Send("ping", a_address, std::move(reply));
                                              }
                                            },
                                            nullptr})
           .ok() ||
      !a.RegisterGroup("ping", GroupHandler{[&](std::vector<Message> batch) {
                                              std::lock_guard lock(mu);
                                              answered = batch.back().context;
                                              cv.notify_one();
                                            },
                                            nullptr})
           .ok()) {
    std::exit(1);
  }
  const int warmup = std::max(100, iterations / 10);
  std::vector<double> micros;
  micros.reserve(iterations);
  rusage usage_before{};
  for (int i = 1; i <= warmup + iterations; ++i) {
    Message m;
    m.type = MessageType::kHeartbeat;
    m.from = "a";
    m.to = "b";
    m.term = Term(1);
    m.commit = LogIndex(i);
    m.context = static_cast<uint64_t>(i);
    if (i == warmup + 1) getrusage(RUSAGE_SELF, &usage_before);
    const auto start = Clock::now();
    a.Send("ping", b_address, std::move(m));
    std::unique_lock lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(10), [&] { return answered == uint64_t(i); })) {
      std::fprintf(stderr, "ping %d lost\n", i);
      std::exit(1);
    }
    if (i > warmup) {
      micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
  }
  rusage usage_after{};
  getrusage(RUSAGE_SELF, &usage_after);
  std::sort(micros.begin(), micros.end());
  double sum = 0;
  for (double v : micros) sum += v;
  Result("pingpong_rtt_p50", micros[micros.size() / 2], "us");
  Result("pingpong_rtt_p99", micros[micros.size() * 99 / 100], "us");
  Result("pingpong_rtt_mean", sum / static_cast<double>(micros.size()), "us");
  // Thread hops: every wake-up of a sleeping thread is a voluntary context switch.
  Result("pingpong_context_switches_per_rtt",
         static_cast<double>(usage_after.ru_nvcsw - usage_before.ru_nvcsw) / iterations, "");
  const double cpu_us = (usage_after.ru_utime.tv_sec - usage_before.ru_utime.tv_sec +
                         usage_after.ru_stime.tv_sec - usage_before.ru_stime.tv_sec) *
                            1e6 +
                        (usage_after.ru_utime.tv_usec - usage_before.ru_utime.tv_usec +
                         usage_after.ru_stime.tv_usec - usage_before.ru_stime.tv_usec);
  Result("pingpong_cpu_per_rtt", cpu_us / iterations, "us");
  a.UnregisterGroup("ping");
  b.UnregisterGroup("ping");
}

void Throughput(GrpcTransport& a, GrpcTransport& b, const Flags& flags) {
  const std::string b_address = Address(b);
  std::mutex mu;
  std::condition_variable cv;
  uint64_t received = 0;  // GUARDED_BY(mu)
  uint64_t entries_received = 0;
  if (!b.RegisterGroup("append", GroupHandler{[&](std::vector<Message> batch) {
                                                uint64_t entries = 0;
                                                for (const Message& m : batch) {
                                                  entries += m.entries.size();
                                                }
                                                std::lock_guard lock(mu);
                                                received += batch.size();
                                                entries_received += entries;
                                                cv.notify_one();
                                              },
                                              nullptr})
           .ok()) {
    std::exit(1);
  }
  // Entries as a leader holds them: payloads shared between the log and messages.
  Message proto_message;
  proto_message.type = MessageType::kAppend;
  proto_message.from = "a";
  proto_message.to = "b";
  proto_message.term = Term(1);
  for (int i = 0; i < flags.entries; ++i) {
    proto_message.entries.push_back(Entry{Term(1), LogIndex(i + 1), EntryType::kNormal,
                                          MakePayload(std::string(flags.entry_bytes, 'x'))});
  }
  const TransportStats before = b.stats();
  uint64_t sent = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(flags.seconds);
  while (Clock::now() < end) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return sent - received < uint64_t(flags.window); });
    }
    Message m = proto_message;
    m.prev_log_index = LogIndex(sent * flags.entries);
    a.Send("append", b_address, std::move(m));
    ++sent;
  }
  {
    std::unique_lock lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(10), [&] { return received == sent; })) {
      std::fprintf(stderr, "lost %llu messages\n", (unsigned long long)(sent - received));
    }
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  const TransportStats after = b.stats();
  const double messages = static_cast<double>(received);
  Result("append_messages_per_s", messages / secs, "msg/s");
  Result("append_entries_per_s", static_cast<double>(entries_received) / secs, "entries/s");
  Result("append_payload_mb_per_s",
         static_cast<double>(entries_received) * flags.entry_bytes / secs / 1e6, "MB/s");
  Result("append_messages_per_frame",
         messages / static_cast<double>(after.batches_received - before.batches_received),
         "msg/frame");
  b.UnregisterGroup("append");
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const char* value = argv[i + 1];
    if (name == "--pingpong") {
      f.pingpong = std::atoi(value);
    } else if (name == "--seconds") {
      f.seconds = std::atof(value);
    } else if (name == "--window") {
      f.window = std::atoi(value);
    } else if (name == "--entries") {
      f.entries = std::atoi(value);
    } else if (name == "--entry-bytes") {
      f.entry_bytes = std::atoi(value);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", name.c_str());
      std::exit(2);
    }
  }
  return f;
}

}  // namespace
}  // namespace ozone::raft

int main(int argc, char** argv) {
  using namespace ozone::raft;
  const Flags flags = ParseFlags(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  auto a = StartOrDie();
  auto b = StartOrDie();
  if (flags.pingpong > 0) PingPong(*a, *b, flags.pingpong);
  if (flags.seconds > 0) Throughput(*a, *b, flags);
  const TransportStats stats = a->stats();
  std::printf("RESULT sender_drops %llu messages\n",
              (unsigned long long)(stats.dropped_queue_full + stats.dropped_unreachable));
  return 0;
}
