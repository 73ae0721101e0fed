// The Raft engine across processes over real gRPC on 127.0.0.1: three raft_node processes with
// real log files. kill -9 of the leader, restarts, a wiped follower that comes back through a
// snapshot, a torn log tail, and a corrupt record in the middle of a log.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include "common/json/jackson_printer.h"
#include "tests/testutil/ports.h"
#include "tests/testutil/subprocess.h"

namespace ozone::raft {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testutil::Subprocess;
using testutil::TempDir;

// Control over HTTP on the Raft port + this (inside the cluster's port block).
constexpr int kHttpOffset = 50;

class RaftProcessCluster {
 public:
  explicit RaftProcessCluster(std::vector<std::string> extra_flags = {})
      : extra_(std::move(extra_flags)) {
    Result<testutil::PortBlock> block = testutil::PortBlock::Claim([](int base) {
      for (int i = 0; i < 3; ++i) {
        if (!testutil::PortFree(base + i) || !testutil::PortFree(base + kHttpOffset + i)) {
          return false;
        }
      }
      return true;
    });
    EXPECT_TRUE(block.ok()) << block.status();
    if (block.ok()) {
      for (int i = 0; i < 3; ++i) ports_.push_back(block->base() + i);
      block_.emplace(std::move(block).value());
    }
    for (int i = 0; i < 3; ++i) {
      if (!peers_.empty()) peers_ += ",";
      peers_ += Id(i) + "=127.0.0.1:" + std::to_string(ports_[i]);
    }
  }

  static std::string Id(int i) { return "n" + std::to_string(i + 1); }
  std::string Dir(int i) const { return tmp_.Sub(Id(i)); }

  void Start(int i, bool bootstrap = true) {
    std::vector<std::string> argv = {testutil::TestBinaryDir() + "/raft_node",
                                     "--id=" + Id(i),
                                     "--peers=" + peers_,
                                     "--dir=" + Dir(i),
                                     "--election-ticks=10",
                                     "--heartbeat-ticks=2",
                                     "--http-offset=" + std::to_string(kHttpOffset)};
    if (bootstrap) argv.push_back("--bootstrap");
    for (const auto& f : extra_) argv.push_back(f);
    auto p = Subprocess::Start(argv);
    ASSERT_TRUE(p.ok()) << p.status();
    procs_.erase(i);
    procs_.emplace(i, std::move(*p));
    ASSERT_TRUE(procs_.at(i).WaitForLine("ready", 20s)) << Id(i) << " did not start";
  }
  void StartAll() {
    for (int i = 0; i < 3; ++i) Start(i);
  }
  void Kill(int i) {
    procs_.at(i).Kill();
    procs_.erase(i);
  }
  bool Running(int i) const { return procs_.count(i) > 0; }

  std::optional<json::Json> Status(int i) {
    httplib::Client c("127.0.0.1", ports_[i] + kHttpOffset);
    c.set_connection_timeout(1s);
    c.set_read_timeout(2s);
    auto r = c.Get("/status");
    if (!r || r->status != 200) return std::nullopt;
    return json::Json::parse(r->body);
  }
  httplib::Result Post(int i, const std::string& path, const std::string& body = "") {
    httplib::Client c("127.0.0.1", ports_[i] + kHttpOffset);
    c.set_connection_timeout(1s);
    c.set_read_timeout(30s);
    return c.Post(path, body, "text/plain");
  }

  // The ready leader all running nodes agree on.
  std::optional<int> Leader() {
    std::optional<std::string> leader;
    for (int i = 0; i < 3; ++i) {
      if (!Running(i)) continue;
      auto st = Status(i);
      if (!st) return std::nullopt;
      std::string l = (*st)["leader"];
      if (l.empty() || (leader && *leader != l)) return std::nullopt;
      leader = l;
    }
    for (int i = 0; i < 3; ++i) {
      if (leader && Id(i) == *leader && Running(i)) {
        auto st = Status(i);
        if (st && (*st)["leader_ready"] == true) return i;
      }
    }
    return std::nullopt;
  }
  int WaitForLeader() {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto l = Leader()) return *l;
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "no leader";
    return 0;
  }

  void ProposeMany(int n, const std::string& prefix) {
    for (int k = 0; k < n; ++k) {
      std::string cmd = "put " + prefix + std::to_string(k % 37) + " " + std::to_string(k);
      for (int attempt = 0;; ++attempt) {
        int leader = WaitForLeader();
        auto r = Post(leader, "/propose", cmd);
        if (r && r->status == 200) break;
        ASSERT_LT(attempt, 20) << "proposal keeps failing: " << (r ? r->body : "no response");
      }
    }
  }

  // Every running node applied the same state as the others.
  bool Converged() {
    std::optional<json::Json> ref;
    for (int i = 0; i < 3; ++i) {
      if (!Running(i)) continue;
      auto st = Status(i);
      if (!st) return false;
      if (!ref) {
        ref = st;
        continue;
      }
      if ((*st)["applied"] != (*ref)["applied"] || (*st)["digest"] != (*ref)["digest"]) {
        return false;
      }
    }
    return true;
  }
  bool WaitConverged() {
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Converged()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  // The open segment of node i's log.
  fs::path OpenSegment(int i) const {
    for (const auto& e : fs::directory_iterator(Dir(i) + "/log")) {
      if (e.path().filename().string().rfind("log_inprogress_", 0) == 0) return e.path();
    }
    return {};
  }

 private:
  TempDir tmp_;
  std::optional<testutil::PortBlock> block_;  // held while the nodes run
  std::vector<int> ports_;
  std::vector<std::string> extra_;
  std::string peers_;
  std::map<int, Subprocess> procs_;
};

TEST(RaftMultiProcessTest, KillNineOfTheLeaderAndRestart) {
  RaftProcessCluster c;
  c.StartAll();
  int first = c.WaitForLeader();
  c.ProposeMany(100, "a");
  c.Kill(first);
  int second = c.WaitForLeader();
  EXPECT_NE(second, first);
  c.ProposeMany(100, "b");
  c.Start(first);
  ASSERT_TRUE(c.WaitConverged());
  auto st = *c.Status(first);
  EXPECT_GE(st["applied"].get<uint64_t>(), 200u);
  EXPECT_EQ(st["keys"].get<uint64_t>(), 74u);  // 37 keys per prefix
}

TEST(RaftMultiProcessTest, AWipedFollowerComesBackThroughASnapshot) {
  // Small segments so that purging after a snapshot really drops the start of the log.
  RaftProcessCluster c({"--snapshot-threshold=50", "--purge-gap=10", "--segment-bytes=4096"});
  c.StartAll();
  int leader = c.WaitForLeader();
  c.ProposeMany(300, "k");
  int follower = (leader + 1) % 3;
  c.Kill(follower);
  fs::remove_all(c.Dir(follower));
  c.Start(follower, /*bootstrap=*/false);  // an empty server, as after a disk loss
  ASSERT_TRUE(c.WaitConverged());
  // It did not replay from index 1: it installed the leader's snapshot, and its log starts
  // after it.
  EXPECT_TRUE(fs::exists(c.Dir(follower) + "/sm/snapshot"));
  std::string segment = c.OpenSegment(follower).filename().string();
  ASSERT_EQ(segment.rfind("log_inprogress_", 0), 0u) << segment;
  EXPECT_GT(std::stoull(segment.substr(15)), 1u) << segment;
  c.ProposeMany(20, "after");
  EXPECT_TRUE(c.WaitConverged());
}

TEST(RaftMultiProcessTest, ATornLogTailIsTruncatedOnRestart) {
  RaftProcessCluster c;
  c.StartAll();
  int leader = c.WaitForLeader();
  c.ProposeMany(50, "t");
  ASSERT_TRUE(c.WaitConverged());
  int follower = (leader + 1) % 3;
  c.Kill(follower);
  // Tear the last record: garble its last bytes, as a write cut short by a crash.
  fs::path seg = c.OpenSegment(follower);
  ASSERT_FALSE(seg.empty());
  std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t end = data.find_last_not_of('\0');
  ASSERT_NE(end, std::string::npos);
  f.seekp(static_cast<std::streamoff>(end - 5));
  f.write("\x13\x37\x13\x37\x13\x37", 6);
  f.close();
  c.Start(follower, false);
  ASSERT_TRUE(c.WaitConverged());
  c.ProposeMany(10, "u");
  EXPECT_TRUE(c.WaitConverged());
}

TEST(RaftMultiProcessTest, ACorruptRecordInTheMiddleStopsTheServer) {
  RaftProcessCluster c;
  c.StartAll();
  int leader = c.WaitForLeader();
  c.ProposeMany(100, "m");
  ASSERT_TRUE(c.WaitConverged());
  int follower = (leader + 1) % 3;
  c.Kill(follower);
  fs::path seg = c.OpenSegment(follower);
  std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t end = data.find_last_not_of('\0');
  f.seekp(static_cast<std::streamoff>(end / 2));
  f.write("\xff\xff\xff\xff", 4);
  f.close();
  // The server refuses to start rather than silently losing entries.
  auto p = Subprocess::Start({testutil::TestBinaryDir() + "/raft_node", "--id=" + c.Id(follower),
                              "--peers=n1=127.0.0.1:1,n2=127.0.0.1:2,n3=127.0.0.1:3",
                              "--dir=" + c.Dir(follower)});
  ASSERT_TRUE(p.ok());
  auto status = p->Wait(20s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) != 0);
}

}  // namespace
}  // namespace ozone::raft
