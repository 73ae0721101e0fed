// raft_log_bench: throughput of the durable Raft log on the local disk.
//   (a) append+sync: the calling thread appends a batch of B entries and syncs it, in a loop
//       (one pwrite and one fdatasync per batch);
//   (b) writer: a LogWriter fed by one submitter (as the protocol thread would) that keeps W
//       single-entry requests outstanding; the writer groups whatever queued while it synced.
// For entries of 104 B and 1 KiB, with B and W in {1, 64, 256}. First, as the yardstick of the
// disk at the time of the run, the rate of bare 128-byte pwrite + fdatasync pairs on a
// preallocated file. Default options (64 MiB
// segments, 4 MiB preallocation), so segments roll over during long runs.
// Prints one "RESULT <name> <value> <unit>" line per figure.
//
// Usage: raft_log_bench [--dir DIR] [--seconds S] [--filter SUBSTRING]
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "ha/raft/log/log_writer.h"
#include "ha/raft/log/segmented_log.h"

namespace ozone::raft {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Flags {
  std::string dir =
      (fs::temp_directory_path() / ("raft_log_bench." + std::to_string(::getpid()))).string();
  double seconds = 2;
  std::string filter;  // run only the figures whose name contains it

  bool Runs(const std::string& name) const { return name.find(filter) != std::string::npos; }
};

void Report(const std::string& name, double value, const char* unit) {
  std::printf("RESULT %s %.1f %s\n", name.c_str(), value, unit);
  std::fflush(stdout);
}

std::unique_ptr<SegmentedLog> OpenFresh(const std::string& dir) {
  fs::remove_all(dir);
  auto log = SegmentedLog::Open(dir);
  if (!log.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", dir.c_str(), log.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(log).value();
}

void Check(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    std::exit(1);
  }
}

// Entry::ByteSize() is payload + 24: the entry sizes named are whole entries, as libraft's
// benchmark counts them.
Payload PayloadOf(size_t entry_bytes) { return MakePayload(std::string(entry_bytes - 24, 'x')); }

void RawSync(const Flags& flags) {
  if (!flags.Runs("raw_pwrite_fdatasync_128B")) return;
  fs::create_directories(flags.dir);
  const std::string path = flags.dir + "/raw";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || ::fallocate(fd, 0, 0, 64 << 20) != 0) {
    std::perror(path.c_str());
    std::exit(1);
  }
  const std::string record(128, 'x');
  uint64_t syncs = 0;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(flags.seconds);
  while (Clock::now() < deadline) {
    if (::pwrite(fd, record.data(), record.size(), off_t(syncs * record.size())) < 0 ||
        ::fdatasync(fd) != 0) {
      std::perror(path.c_str());
      std::exit(1);
    }
    ++syncs;
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  fs::remove(path);
  Report("raw_pwrite_fdatasync_128B", double(syncs) / secs, "fsyncs/s");
}

void AppendSync(const Flags& flags, size_t entry_bytes, size_t batch) {
  const std::string name =
      "append_sync_" + std::to_string(entry_bytes) + "B_batch" + std::to_string(batch);
  if (!flags.Runs(name)) return;
  auto log = OpenFresh(flags.dir + "/append");
  const Payload payload = PayloadOf(entry_bytes);
  std::vector<Entry> entries(batch);
  uint64_t next = 1;
  const auto before = log->stats();
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(flags.seconds);
  while (Clock::now() < deadline) {
    for (Entry& e : entries) e = Entry{Term(1), LogIndex(next++), EntryType::kNormal, payload};
    Check(log->Append(entries));
    Check(log->Sync());
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  const auto after = log->stats();
  Report(name, double(next - 1) / secs, "entries/s");
  Report(name + "_fsyncs", double(after.data_syncs - before.data_syncs) / secs, "fsyncs/s");
  Report(name + "_mb", double(after.bytes_written - before.bytes_written) / secs / 1e6, "MB/s");
}

void Writer(const Flags& flags, size_t entry_bytes, int outstanding) {
  const std::string name =
      "writer_" + std::to_string(entry_bytes) + "B_outstanding" + std::to_string(outstanding);
  if (!flags.Runs(name)) return;
  auto log = OpenFresh(flags.dir + "/writer");
  const Payload payload = PayloadOf(entry_bytes);
  LogWriter writer(log.get());
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  uint64_t committed = 0;
  auto done = [&](const Status& s) {
    Check(s);
    std::lock_guard<std::mutex> lock(mu);
    --in_flight;
    ++committed;
    cv.notify_one();
  };
  const auto before = log->stats();
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(flags.seconds);
  uint64_t next = 1;
  while (Clock::now() < deadline) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return in_flight < outstanding; });
      ++in_flight;
    }
    std::vector<Entry> entries{Entry{Term(1), LogIndex(next++), EntryType::kNormal, payload}};
    Check(writer.Persist(std::nullopt, std::move(entries), done));
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  const auto after = log->stats();
  const LogWriterStats stats = writer.stats();
  Report(name, double(committed) / secs, "entries/s");
  Report(name + "_fsyncs", double(after.data_syncs - before.data_syncs) / secs, "fsyncs/s");
  Report(name + "_batch", stats.batches ? double(stats.entries) / double(stats.batches) : 0,
         "entries/batch");
}

}  // namespace
}  // namespace ozone::raft

int main(int argc, char** argv) {
  ozone::raft::Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dir" && i + 1 < argc) {
      flags.dir = argv[++i];
    } else if (arg == "--seconds" && i + 1 < argc) {
      flags.seconds = std::atof(argv[++i]);
    } else if (arg == "--filter" && i + 1 < argc) {
      flags.filter = argv[++i];
    } else {
      std::fprintf(stderr, "usage: raft_log_bench [--dir DIR] [--seconds S] [--filter S]\n");
      return 2;
    }
  }
  std::printf("# log directory %s, %.1f s per figure\n", flags.dir.c_str(), flags.seconds);
  ozone::raft::RawSync(flags);
  for (size_t bytes : {size_t{104}, size_t{1024}}) {
    for (size_t batch : {size_t{1}, size_t{64}, size_t{256}}) {
      ozone::raft::AppendSync(flags, bytes, batch);
    }
  }
  for (size_t bytes : {size_t{104}, size_t{1024}}) {
    for (int outstanding : {1, 64, 256}) ozone::raft::Writer(flags, bytes, outstanding);
  }
  std::filesystem::remove_all(flags.dir);
  return 0;
}
