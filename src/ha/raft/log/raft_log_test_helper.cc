// The child process of the kill -9 test of the Raft log (segmented_log_kill_test.cc):
//
//   raft_log_test_helper append <dir>
//
// opens the log in <dir>, takes a new term (saved as hard state), prints "term <t>", then appends
// entries forever through a LogWriter, up to 64 requests in flight, each request 1-17 entries of
// 50-249 bytes (the content of entry i is DataFor(i, EntrySize(i))), purging the log now and
// then, and prints "synced <last index>" from each callback, i.e. only once it is durable.
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>

#include "ha/raft/log/log_test_data.h"
#include "ha/raft/log/log_writer.h"
#include "ha/raft/log/segmented_log.h"

namespace ozone::raft {
namespace {

size_t EntrySize(uint64_t index) { return 50 + index % 200; }

// A whole line in one write, so that a kill never leaves half a line behind.
void PrintLine(const std::string& line) {
  std::string s = line + "\n";
  if (::write(STDOUT_FILENO, s.data(), s.size()) < 0) std::_Exit(3);
}

int Append(const std::string& dir) {
  SegmentedLogOptions options;
  options.max_segment_size = 64 << 10;
  options.preallocate_size = 16 << 10;
  options.cache_bytes = 256 << 10;
  auto opened = SegmentedLog::Open(dir, options);
  if (!opened.ok()) {
    std::cerr << opened.status() << "\n";
    return 1;
  }
  SegmentedLog& log = **opened;
  auto state = log.LoadState();
  const Term term = state->hard_state.term + 1;
  LogWriter writer(&log);

  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  Status failure;
  auto done = [&](LogIndex last) {
    return [&, last](const Status& s) {
      if (s.ok()) PrintLine("synced " + std::to_string(last.value()));
      std::lock_guard<std::mutex> lock(mu);
      if (!s.ok()) failure = s;
      --in_flight;
      cv.notify_one();
    };
  };

  HardState hard_state{term, std::nullopt, log.LastIndex()};
  if (!writer
           .Persist(hard_state, {},
                    [&](const Status& s) {
                      if (s.ok()) PrintLine("term " + std::to_string(term.value()));
                    })
           .ok()) {
    return 1;
  }
  LogIndex next = log.LastIndex() + 1;
  for (uint64_t request = 0;; ++request) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return in_flight < 64 || !failure.ok(); });
      if (!failure.ok()) {
        std::cerr << failure << "\n";
        return 1;
      }
      ++in_flight;
    }
    std::vector<Entry> entries;
    const uint64_t n = 1 + request % 17;
    for (uint64_t k = 0; k < n; ++k, ++next) {
      entries.push_back(
          Entry{term, next, EntryType::kNormal,
                MakePayload(log_testing::DataFor(next.value(), EntrySize(next.value())))});
    }
    const LogIndex last = next - 1;
    if (!writer.Persist(std::nullopt, std::move(entries), done(last)).ok()) return 1;
    if (request % 100 == 99 && last > LogIndex(2000)) {
      writer.Purge(last - 2000, [](const Status&) {}).IgnoreError();
    }
  }
}

}  // namespace
}  // namespace ozone::raft

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "append") {
    std::cerr << "usage: raft_log_test_helper append <dir>\n";
    return 2;
  }
  return ozone::raft::Append(argv[2]);
}
