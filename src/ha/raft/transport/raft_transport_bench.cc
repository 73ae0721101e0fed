// raft_transport_bench: two transports (TcpTransport or GrpcTransport, --transport) on
// 127.0.0.1, A and B, in one process or (with --processes 2) in two, as Raft peers would be.
//   (a) ping-pong: A sends one small message (a Heartbeat) and waits for B's answer before the
//       next one: round-trip time percentiles, and context switches and CPU per round trip;
//   (b) Append throughput: A sends Append messages with 64 entries of 104 B and B answers each
//       with an AppendResponse, with at most --window Appends unanswered (a leader pipelining
//       to one follower): messages, entries and payload bytes per second.
// Prints one "RESULT <name> <value> <unit>" line per figure.
//
// Usage: raft_transport_bench [--transport tcp|grpc] [--processes 1|2] [--pingpong N]
//                             [--seconds S] [--window W] [--entries E] [--entry-bytes B]
//                             [--threads T]   (--cq-threads T: the same; default: the transport's)
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "ha/raft/transport/transport_factory.h"

namespace ozone::raft {
namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  int processes = 1;
  int pingpong = 20000;
  double seconds = 3;
  int window = 64;
  int entries = 64;
  int entry_bytes = 104;
  int threads = 0;  // the transport's default
  TransportKind transport = kDefaultTransportKind;
};

StartedTransport StartOrDie(const Flags& flags) {
  TransportStartOptions options;
  options.listen_address = "127.0.0.1:0";
  options.cluster_id = "bench";
  options.threads = flags.threads;
  Result<StartedTransport> t = StartTransport(flags.transport, options);
  if (!t.ok()) {
    std::fprintf(stderr, "cannot start transport: %s\n", t.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(t).value();
}

std::string Address(int port) { return "127.0.0.1:" + std::to_string(port); }

void Report(const char* name, double value, const char* unit) {
  std::printf("RESULT %s %.2f %s\n", name, value, unit);
  std::fflush(stdout);
}

void CheckOk(const Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    std::exit(1);
  }
}

// B's side: answers every ping and every Append, as a follower would, on its own stream to A.
void ServeAnswers(Transport& b, const std::string& a_address) {
  CheckOk(b.RegisterGroup("ping", GroupHandler{[&b, a_address](std::vector<Message> batch) {
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
                                               nullptr}));
  CheckOk(b.RegisterGroup("append", GroupHandler{[&b, a_address](std::vector<Message> batch) {
                                                   for (Message& m : batch) {
                                                     Message reply;
                                                     reply.type = MessageType::kAppendResponse;
                                                     reply.from = "b";
                                                     reply.to = "a";
                                                     reply.term = m.term;
                                                     reply.index =
                                                         m.prev_log_index + m.entries.size();
                                                     b.Send("append", a_address, std::move(reply));
                                                   }
                                                 },
                                                 nullptr}));
}

double CpuMicros(const rusage& u) {
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

void PingPong(Transport& a, const std::string& b_address, int iterations, int processes) {
  std::mutex mu;
  std::condition_variable cv;
  uint64_t answered = 0;  // GUARDED_BY(mu): context of the latest answer
  CheckOk(a.RegisterGroup("ping", GroupHandler{[&](std::vector<Message> batch) {
                                                 std::lock_guard lock(mu);
                                                 answered = batch.back().context;
                                                 cv.notify_one();
                                               },
                                               nullptr}));
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
  Report("pingpong_rtt_p50", micros[micros.size() / 2], "us");
  Report("pingpong_rtt_p90", micros[micros.size() * 90 / 100], "us");
  Report("pingpong_rtt_p99", micros[micros.size() * 99 / 100], "us");
  Report("pingpong_rtt_mean", sum / static_cast<double>(micros.size()), "us");
  // Every wake-up of a sleeping thread is a voluntary context switch (a thread hop). With two
  // processes these count only A's side.
  const char* side = processes == 1 ? "" : "_sender_side";
  Report((std::string("pingpong_context_switches_per_rtt") + side).c_str(),
         static_cast<double>(usage_after.ru_nvcsw - usage_before.ru_nvcsw) / iterations, "");
  Report((std::string("pingpong_cpu_per_rtt") + side).c_str(),
         (CpuMicros(usage_after) - CpuMicros(usage_before)) / iterations, "us");
  a.UnregisterGroup("ping");
}

void Throughput(Transport& a, const std::string& b_address, const Flags& flags) {
  std::mutex mu;
  std::condition_variable cv;
  uint64_t answered = 0;  // GUARDED_BY(mu): Appends answered
  CheckOk(a.RegisterGroup("append", GroupHandler{[&](std::vector<Message> batch) {
                                                   std::lock_guard lock(mu);
                                                   answered += batch.size();
                                                   cv.notify_one();
                                                 },
                                                 nullptr}));
  // Entries as a leader holds them: payloads shared between the log and messages.
  Message append;
  append.type = MessageType::kAppend;
  append.from = "a";
  append.to = "b";
  append.term = Term(1);
  for (int i = 0; i < flags.entries; ++i) {
    append.entries.push_back(Entry{Term(1), LogIndex(i + 1), EntryType::kNormal,
                                   MakePayload(std::string(flags.entry_bytes, 'x'))});
  }
  const TransportStats before = a.stats();
  uint64_t sent = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(flags.seconds);
  while (Clock::now() < end) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return sent - answered < uint64_t(flags.window); });
    }
    Message m = append;
    m.prev_log_index = LogIndex(sent * flags.entries);
    a.Send("append", b_address, std::move(m));
    ++sent;
  }
  {
    std::unique_lock lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(10), [&] { return answered == sent; })) {
      std::fprintf(stderr, "lost %llu Appends\n", static_cast<unsigned long long>(sent - answered));
    }
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  const TransportStats after = a.stats();
  const double messages = static_cast<double>(sent);
  const double entries = messages * flags.entries;
  Report("append_messages_per_s", messages / secs, "msg/s");
  Report("append_entries_per_s", entries / secs, "entries/s");
  Report("append_payload_mb_per_s", entries * flags.entry_bytes / secs / 1e6, "MB/s");
  Report("append_messages_per_frame",
         static_cast<double>(after.messages_sent - before.messages_sent) /
             static_cast<double>(after.batches_sent - before.batches_sent),
         "msg/frame");
  a.UnregisterGroup("append");
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const char* value = argv[i + 1];
    if (name == "--processes") {
      f.processes = std::atoi(value);
    } else if (name == "--pingpong") {
      f.pingpong = std::atoi(value);
    } else if (name == "--seconds") {
      f.seconds = std::atof(value);
    } else if (name == "--window") {
      f.window = std::atoi(value);
    } else if (name == "--entries") {
      f.entries = std::atoi(value);
    } else if (name == "--entry-bytes") {
      f.entry_bytes = std::atoi(value);
    } else if (name == "--cq-threads" || name == "--threads") {
      f.threads = std::atoi(value);
    } else if (name == "--transport") {
      Result<TransportKind> kind = ParseTransportKind(value);
      if (!kind.ok()) {
        std::fprintf(stderr, "%s\n", kind.status().ToString().c_str());
        std::exit(2);
      }
      f.transport = *kind;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", name.c_str());
      std::exit(2);
    }
  }
  if (argc % 2 == 0 || f.processes < 1 || f.processes > 2) {
    std::fprintf(stderr, "usage: see the top of raft_transport_bench.cc\n");
    std::exit(2);
  }
  return f;
}

void WriteInt(int fd, int value) {
  if (write(fd, &value, sizeof(value)) != sizeof(value)) std::exit(1);
}
int ReadInt(int fd) {
  int value = 0;
  if (read(fd, &value, sizeof(value)) != sizeof(value)) std::exit(1);
  return value;
}

void RunA(Transport& a, const std::string& b_address, const Flags& flags) {
  std::printf("# %s transport, %d process(es), loopback 127.0.0.1\n",
              std::string(TransportKindName(flags.transport)).c_str(), flags.processes);
  if (flags.pingpong > 0) PingPong(a, b_address, flags.pingpong, flags.processes);
  if (flags.seconds > 0) Throughput(a, b_address, flags);
  const TransportStats stats = a.stats();
  Report("sender_drops", static_cast<double>(stats.dropped_queue_full + stats.dropped_unreachable),
         "messages");
}

}  // namespace
}  // namespace ozone::raft

int main(int argc, char** argv) {
  using namespace ozone::raft;
  const Flags flags = ParseFlags(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  if (flags.processes == 1) {
    StartedTransport a = StartOrDie(flags);
    StartedTransport b = StartOrDie(flags);
    ServeAnswers(*b.transport, Address(a.port));
    RunA(*a.transport, Address(b.port), flags);
    return 0;
  }
  // Two processes: fork before any transport thread starts. The pipes exchange the ports: A
  // sends its own, B answers with its port once its handlers are registered (so that no ping
  // reaches B before it can answer). B exits when A closes its end.
  int to_a[2], to_b[2];
  if (pipe(to_a) != 0 || pipe(to_b) != 0) return 1;
  const pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    close(to_a[0]);
    close(to_b[1]);
    StartedTransport b = StartOrDie(flags);
    ServeAnswers(*b.transport, Address(ReadInt(to_b[0])));
    WriteInt(to_a[1], b.port);
    char c;
    while (read(to_b[0], &c, 1) > 0) {
    }
    b.transport->Shutdown();
    _exit(0);
  }
  close(to_a[1]);
  close(to_b[0]);
  StartedTransport a = StartOrDie(flags);
  WriteInt(to_b[1], a.port);
  const int b_port = ReadInt(to_a[0]);
  RunA(*a.transport, Address(b_port), flags);
  close(to_b[1]);
  int status = 0;
  waitpid(child, &status, 0);
  return 0;
}
