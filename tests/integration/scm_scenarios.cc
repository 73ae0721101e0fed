#include "tests/integration/scm_scenarios.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

namespace ozone::integration {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Sanity bound on one failover (kill -9 to the first block allocated by the new leader): far
// above what a healthy ring needs, so only a ring that does not recover fails it.
constexpr auto kFailoverSanityBound = 30s;

}  // namespace

void StartAllocatingRing(ScmCluster& c, int datanodes) {
  Status s = c.InitAndStartAll();
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_TRUE(c.WaitForLeader().ok());
  c.StartDatanodes(datanodes);
  ASSERT_TRUE(c.WaitOutOfSafeMode()) << "the SCMs did not leave safe mode";
  auto client = c.Client();
  ASSERT_NE(client, nullptr);
  std::string last;
  ASSERT_TRUE(ScmCluster::WaitUntil(
      [&] {
        auto r = client->AllocateBlocks(1 << 20, 1, hdds::RATIS, hdds::THREE, "setup");
        if (!r.ok()) last = r.status().ToString();
        return r.ok();
      },
      60s))
      << "no RATIS/THREE block could be allocated: " << last;
}

std::vector<FailoverRound> KillLeaderRounds(ScmCluster& c, AllocationLoad& load, int rounds) {
  std::vector<FailoverRound> done;
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("failover round " + std::to_string(round + 1));
    // A steady ring first: every node could serve as the next leader, and the load is flowing.
    EXPECT_TRUE(c.WaitOutOfSafeMode()) << "a node stayed in safe mode";
    const size_t before = load.block_count();
    EXPECT_TRUE(ScmCluster::WaitUntil([&] { return load.block_count() >= before + 20; }, 30s))
        << "the load does not allocate; last errors: "
        << (load.errors().empty() ? "" : load.errors().back());
    Result<int> leader = c.WaitForLeader();
    EXPECT_TRUE(leader.ok()) << leader.status();
    if (!leader.ok()) return done;

    FailoverRound r;
    r.killed = *leader;
    r.killed_at = Clock::now();
    c.KillScm(r.killed);
    for (const AllocatedBlockRecord& b : load.blocks()) {
      if (b.answered < r.killed_at) r.max_local_id_before = std::max(r.max_local_id_before, b.local_id);
    }
    std::optional<AllocatedBlockRecord> first;
    bool recovered = ScmCluster::WaitUntil(
        [&] { return (first = load.FirstAskedAfter(r.killed_at)).has_value(); },
        kFailoverSanityBound);
    EXPECT_TRUE(recovered) << "no block allocated within "
                           << std::chrono::duration_cast<std::chrono::seconds>(kFailoverSanityBound).count()
                           << " s of killing " << c.NodeId(r.killed) << "; last errors: "
                           << (load.errors().empty() ? "" : load.errors().back());
    if (!recovered) return done;
    r.to_allocation =
        std::chrono::duration_cast<std::chrono::milliseconds>(first->answered - r.killed_at);
    std::printf("failover %d: killed %s, first block from the new leader after %lld ms\n",
                round + 1, c.NodeId(r.killed).c_str(),
                static_cast<long long>(r.to_allocation.count()));
    std::fflush(stdout);
    done.push_back(r);

    // The killed node comes back through the CLI and rejoins as a follower.
    Status started = c.StartScm(r.killed);
    EXPECT_TRUE(started.ok()) << started;
    if (!started.ok()) return done;
    Status rejoined = c.WaitForFollower(r.killed);
    EXPECT_TRUE(rejoined.ok()) << rejoined;
    if (!rejoined.ok()) return done;
  }
  return done;
}

void CheckAllocatedIds(const std::vector<AllocatedBlockRecord>& blocks,
                       const std::vector<FailoverRound>& rounds) {
  ASSERT_FALSE(blocks.empty());
  std::set<std::pair<int64_t, int64_t>> pairs;
  std::set<int64_t> locals;
  std::map<int, int64_t> last_of_thread;
  std::map<int64_t, std::pair<std::string, int>> container_place;  // pipeline, thread (owner)
  size_t duplicates = 0, backwards = 0, misplaced = 0;
  for (const AllocatedBlockRecord& b : blocks) {
    if (!pairs.insert({b.container_id, b.local_id}).second || !locals.insert(b.local_id).second) {
      if (++duplicates <= 5) {
        ADD_FAILURE() << "block (" << b.container_id << ", " << b.local_id << ") handed out twice";
      }
    }
    auto [it, first] = last_of_thread.emplace(b.thread, b.local_id);
    if (!first) {
      if (b.local_id <= it->second && ++backwards <= 5) {
        ADD_FAILURE() << "thread " << b.thread << " got localId " << b.local_id << " after "
                      << it->second;
      }
      it->second = b.local_id;
    }
    auto [place, new_container] =
        container_place.emplace(b.container_id, std::make_pair(b.pipeline_id, b.thread));
    if (!new_container && place->second != std::make_pair(b.pipeline_id, b.thread) &&
        ++misplaced <= 5) {
      ADD_FAILURE() << "container " << b.container_id << " is on pipeline " << b.pipeline_id
                    << " for thread " << b.thread << " but was on " << place->second.first
                    << " for thread " << place->second.second;
    }
  }
  EXPECT_EQ(duplicates, 0u);
  EXPECT_EQ(backwards, 0u);
  EXPECT_EQ(misplaced, 0u);
  for (const FailoverRound& r : rounds) {
    size_t behind = 0;
    for (const AllocatedBlockRecord& b : blocks) {
      if (b.asked >= r.killed_at && b.local_id <= r.max_local_id_before) ++behind;
    }
    EXPECT_EQ(behind, 0u) << "blocks asked for after killing " << r.killed
                          << " reuse localIds at or below " << r.max_local_id_before;
  }
}

std::string DescribeFailovers(const std::vector<FailoverRound>& rounds) {
  if (rounds.empty()) return "no failovers";
  std::vector<long long> ms;
  for (const auto& r : rounds) ms.push_back(r.to_allocation.count());
  std::vector<long long> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  long long median = sorted.size() % 2 ? sorted[sorted.size() / 2]
                                       : (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
  std::ostringstream out;
  out << "median " << median << " ms, max " << sorted.back() << " ms over " << ms.size()
      << " failovers (";
  for (size_t i = 0; i < ms.size(); ++i) out << (i ? ", " : "") << ms[i];
  out << ")";
  return out.str();
}

const std::vector<std::string>& ReplicatedColumnFamilies() {
  static const std::vector<std::string> cfs = {"containers", "pipelines", "deletedBlocks",
                                               "sequenceId", "statefulServiceConfig",
                                               "scmTransactionInfos"};
  return cfs;
}

std::map<std::string, std::map<int, std::string>> QuiesceStopAndScan(
    ScmCluster& c, const std::vector<std::string>& column_families,
    uint64_t* term_at_quiescence) {
  std::map<std::string, std::map<int, std::string>> out;
  Result<uint64_t> quiet = c.WaitForQuiescence();
  EXPECT_TRUE(quiet.ok()) << quiet.status();
  Result<int> leader = c.WaitForLeader();
  EXPECT_TRUE(leader.ok()) << leader.status();
  if (!quiet.ok() || !leader.ok()) return out;
  if (term_at_quiescence != nullptr) {
    *term_at_quiescence = 0;
    Result<scm::GetScmInfoResponse> roles = c.Roles();
    EXPECT_TRUE(roles.ok()) << roles.status();
    if (roles.ok()) {
      for (const auto& r : roles->peerroles()) {
        if (r.role() == "LEADER") *term_at_quiescence = r.term();
      }
    }
  }
  // Followers first: a leader left alone commits nothing, so nothing can land on some only.
  std::vector<int> order;
  for (int i = 1; i <= c.size(); ++i) {
    if (i != *leader) order.push_back(i);
  }
  order.push_back(*leader);
  for (int node : order) {
    std::optional<int> status = c.StopScm(node);
    EXPECT_TRUE(status.has_value() && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << c.NodeId(node) << " did not stop cleanly";
  }
  for (const std::string& cf : column_families) {
    for (int node = 1; node <= c.size(); ++node) {
      Result<std::string> scan = c.Scan(node, cf);
      EXPECT_TRUE(scan.ok()) << scan.status();
      out[cf][node] = scan.ok() ? *scan : "";
    }
  }
  return out;
}

void ExpectIdenticalReplicas(const std::map<std::string, std::map<int, std::string>>& scans,
                             uint64_t term_at_quiescence) {
  ASSERT_FALSE(scans.empty());
  bool election_after_quiescence = false;
  auto ti = scans.find("scmTransactionInfos");
  if (ti != scans.end()) {
    std::regex term("\"term\" : ([0-9]+)");
    for (const auto& [node, scan] : ti->second) {
      std::smatch m;
      if (std::regex_search(scan, m, term) && std::stoull(m[1]) > term_at_quiescence) {
        election_after_quiescence = true;
      }
    }
  }
  for (const auto& [cf, by_node] : scans) {
    SCOPED_TRACE(cf);
    if (cf == "scmTransactionInfos" && election_after_quiescence) {
      std::printf("an election after quiescence (term %llu) moved some transactionInfo: %s\n",
                  static_cast<unsigned long long>(term_at_quiescence),
                  ::testing::PrintToString(by_node).c_str());
      continue;
    }
    for (const auto& [node, scan] : by_node) {
      EXPECT_EQ(scan, by_node.begin()->second) << "node " << node << " vs node "
                                               << by_node.begin()->first;
    }
  }
}

}  // namespace ozone::integration
