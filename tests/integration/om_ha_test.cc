// The OM ring as real processes through the CLI (tests/integration/om_cluster.h): init on every
// OM with SCM's cluster id, roles and transfer with Ozone's output, writes replicated to every
// om.db, failover after kill -9, the stateful lifecycle service across a failover, bad input,
// init without SCM, and `ozone freon randomkeys` as the SCM HA documents run it.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "tests/integration/om_cluster.h"

namespace ozone::integration {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string Svc() { return OmCluster::kServiceId; }

TEST(OmHaTest, InitWithoutScmFailsCleanlyAndWritesNothing) {
  OmClusterOptions o;
  o.keys = {{"hdds.scmclient.failover.max.retry", "2"},
            {"hdds.scmclient.failover.retry.interval", "100ms"},
            {"hdds.scmclient.rpc.timeout", "2s"}};
  OmCluster c(o);
  CliResult r = c.Ozone(1, {"om", "--init"});
  EXPECT_EQ(r.code, 255) << r.out << r.err;
  EXPECT_NE(r.err.find("cluster id from SCM"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(c.VersionFile(1)));
  EXPECT_FALSE(fs::exists(c.MetaDir(1)));
  // Not initialized: `ozone om` refuses to start and says what to run.
  CliResult run = c.Ozone(1, {"om"});
  EXPECT_EQ(run.code, 255);
  EXPECT_NE(run.err.find("ozone om --init"), std::string::npos) << run.err;
}

TEST(OmHaTest, RingReplicatesFailsOverAndRefusesBadInput) {
  OmCluster c;
  ASSERT_TRUE(c.StartScmRing().ok());
  ASSERT_TRUE(c.InitAndStartAll().ok());

  // VERSION: Ozone's fields, SCM's cluster id on every OM; a second init is harmless.
  std::string cid = c.scm().ClusterId(1);
  for (int i = 1; i <= 3; ++i) {
    std::ifstream in(c.VersionFile(i));
    std::string v((std::istreambuf_iterator<char>(in)), {});
    EXPECT_NE(v.find("nodeType=OM"), std::string::npos) << v;
    EXPECT_NE(v.find("clusterID=" + cid), std::string::npos) << v;
    EXPECT_NE(v.find("omUuid="), std::string::npos) << v;
    EXPECT_NE(v.find("layoutVersion=0"), std::string::npos) << v;
  }
  CliResult again = c.Ozone(2, {"om", "--init"});
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("OM already initialized"), std::string::npos) << again.out;

  Result<int> leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok()) << leader.status().ToString();

  // roles: one LEADER, two FOLLOWERs, in Ozone's three formats.
  CliResult roles = c.Ozone(1, {"admin", "om", "roles", "-id", Svc()});
  ASSERT_EQ(roles.code, 0) << roles.err;
  EXPECT_EQ(WithRole(roles.out, "LEADER"), std::vector<std::string>{c.NodeId(*leader)})
      << roles.out;
  EXPECT_EQ(WithRole(roles.out, "FOLLOWER").size(), 2u) << roles.out;
  CliResult json = c.Ozone(1, {"admin", "om", "roles", "-id", Svc(), "--json"});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_NE(json.out.find("\"serverRole\" : \"LEADER\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"hostname\" : \"127.0.0.1\""), std::string::npos) << json.out;
  CliResult table = c.Ozone(1, {"admin", "om", "roles", "--table"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("Ozone Manager Roles"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("Host Name"), std::string::npos) << table.out;
  CliResult wrong = c.Ozone(1, {"admin", "om", "roles", "-id", "nosuch"});
  EXPECT_EQ(wrong.code, 255);
  EXPECT_NE(wrong.err.find("Service ID specified does not match"), std::string::npos) << wrong.err;

  // A follower refuses with NotLeader naming the leader's RPC address.
  // (A follower names the leader once it heard from it: awaited, not assumed.)
  int follower = *leader == 1 ? 2 : 1;
  OmCall refused;
  EXPECT_TRUE(ScmCluster::WaitUntil(
      [&] {
        refused = c.Call(follower, CreateVolumeRequest("vol0"));
        return !refused.rpc_ok && !refused.leader_hint.empty();
      },
      30s))
      << refused.grpc_message;
  EXPECT_EQ(refused.leader_hint, c.RpcAddress(*leader)) << refused.grpc_message;
  EXPECT_EQ(c.Call(*leader, InfoVolumeRequest("vol0")).response.status(), om::VOLUME_NOT_FOUND);

  // A write on the leader reaches every om.db.
  OmCall created = c.Call(*leader, CreateVolumeRequest("vol1", 1));
  ASSERT_TRUE(created.rpc_ok) << created.grpc_message;
  EXPECT_EQ(created.response.status(), om::OK) << created.response.message();
  EXPECT_EQ(created.response.leaderomnodeid(), c.NodeId(*leader));
  for (int i = 1; i <= 3; ++i) {
    EXPECT_TRUE(ScmCluster::WaitUntil(
        [&] {
          auto s = c.Scan(i, "volumeTable");
          return s.ok() && s->find("vol1") != std::string::npos;
        },
        30s))
        << c.NodeId(i);
  }
  // The same call again is answered from the retry cache, not applied twice.
  OmCall retried = c.Call(*leader, CreateVolumeRequest("vol1", 1));
  ASSERT_TRUE(retried.rpc_ok);
  EXPECT_EQ(retried.response.status(), om::OK);
  EXPECT_EQ(c.Call(*leader, CreateVolumeRequest("vol1")).response.status(),
            om::VOLUME_ALREADY_EXISTS);

  // Bad input: Ozone's codes, nothing written, the server carries on.
  EXPECT_EQ(c.Call(*leader, CreateVolumeRequest("A_")).response.status(), om::INVALID_VOLUME_NAME);
  // (A bucket name needs 3 characters: "b1" would be INVALID_BUCKET_NAME before the lookup.)
  EXPECT_EQ(c.Call(*leader, CreateBucketRequest("novol", "bucket1")).response.status(),
            om::VOLUME_NOT_FOUND);
  EXPECT_EQ(c.Call(*leader, CreateBucketRequest("vol1", "b1")).response.status(),
            om::INVALID_BUCKET_NAME);
  om::OMRequest empty;
  empty.set_cmdtype(om::CreateVolume);
  empty.set_clientid("om-it");
  EXPECT_EQ(c.Call(*leader, empty).response.status(), om::INVALID_REQUEST);
  {
    auto channel = grpc::CreateChannel(c.RpcAddress(*leader), grpc::InsecureChannelCredentials());
    grpc::GenericStub stub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    std::string garbage = "\xff\xff\xff\x07garbage";
    grpc::Slice slice(garbage);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer reply;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&ctx, "/ozone.om.OzoneManagerService/Submit", grpc::StubOptions(), &request,
                   &reply, [&done](grpc::Status st) { done.set_value(st); });
    grpc::Status s = done.get_future().get();
    EXPECT_FALSE(s.ok());
  }
  EXPECT_EQ(c.Call(*leader, InfoVolumeRequest("vol1")).response.status(), om::OK);
  ASSERT_EQ(c.Call(*leader, CreateBucketRequest("vol1", "bucket1")).response.status(), om::OK);

  // Transfer with Ozone's output; the new leader serves.
  int target = follower;
  CliResult transfer =
      c.Ozone(1, {"admin", "om", "transfer", "-id", Svc(), "-n", c.NodeId(target)});
  ASSERT_EQ(transfer.code, 0) << transfer.err;
  EXPECT_EQ(transfer.out, "Transfer leadership successfully to " + c.NodeId(target) + ".\n");
  // (The old leader may still answer for a moment after the transfer: await the target.)
  Result<int> after = Status::Timeout("no leader yet");
  EXPECT_TRUE(ScmCluster::WaitUntil(
      [&] {
        after = c.WaitForLeader(5s);
        return after.ok() && *after == target;
      },
      30s))
      << (after.ok() ? c.NodeId(*after) : after.status().ToString());
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(*after, target);
  CliResult usage = c.Ozone(1, {"admin", "om", "transfer", "-id", Svc()});
  EXPECT_EQ(usage.code, 2);

  // kill -9 of the leader: another one serves, with everything acknowledged.
  c.KillOm(target);
  Result<int> next = c.WaitForLeader();
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_NE(*next, target);
  auto info = c.Submit(InfoVolumeRequest("vol1"));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->status(), om::OK);
  ASSERT_EQ(c.Submit(CreateVolumeRequest("vol2")).value().status(), om::OK);

  // The killed OM comes back and catches up; after quiescing every om.db holds the same rows.
  ASSERT_TRUE(c.StartOm(target).ok());
  ASSERT_TRUE(c.WaitForLeader().ok());
  // (vol2 is the last write: once every volumeTable holds it, every bucketTable holds bucket1.)
  for (const auto& [cf, last] : std::vector<std::pair<std::string, std::string>>{
           {"volumeTable", "vol2"}, {"bucketTable", "bucket1"}}) {
    EXPECT_TRUE(ScmCluster::WaitUntil(
        [&] {
          auto a = c.Scan(1, cf), b = c.Scan(2, cf), d = c.Scan(3, cf);
          return a.ok() && b.ok() && d.ok() && *a == *b && *b == *d &&
                 a->find(last) != std::string::npos;
        },
        60s))
        << cf;
  }
  // SIGTERM stops an OM cleanly.
  std::optional<int> status = c.StopOm(*next);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
}

TEST(OmHaTest, LifecycleConfigurationSurvivesLeaderKillAndRunsOnlyOnLeader) {
  OmCluster c;
  ASSERT_TRUE(c.StartScmRing().ok());
  ASSERT_TRUE(c.InitAndStartAll().ok());
  Result<int> leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok());

  CliResult set = c.Ozone(1, {"admin", "om", "lifecycle", "set", "-id", Svc(), "--volume", "vol1",
                              "--bucket", "logs", "--prefix", "tmp/", "--expire-after", "7d"});
  ASSERT_EQ(set.code, 0) << set.err;
  CliResult start = c.Ozone(2, {"admin", "om", "lifecycle", "start"});
  ASSERT_EQ(start.code, 0) << start.err;
  EXPECT_EQ(start.out, "KeyLifecycleService started.\n");

  // Only the leader runs the leader-only services.
  auto running = [&](int node) {
    auto lines = c.LogLines(node, "leader-only services RUNNING");
    return !lines.empty() && lines.back().find("KeyLifecycleService") != std::string::npos;
  };
  EXPECT_TRUE(ScmCluster::WaitUntil([&] { return running(*leader); }, 30s));
  // (A node that led for a moment at start-up logs that it stopped; the log is flushed lazily.)
  for (int i = 1; i <= 3; ++i) {
    if (i != *leader) {
      EXPECT_TRUE(ScmCluster::WaitUntil([&] { return !running(i); }, 10s)) << c.NodeId(i);
    }
  }

  c.KillOm(*leader);
  Result<int> next = c.WaitForLeader();
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(ScmCluster::WaitUntil([&] { return running(*next); }, 30s));
  CliResult status = c.Ozone(*next, {"admin", "om", "lifecycle", "status"});
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_NE(status.out.find("\"running\" : true"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("\"prefix\" : \"tmp/\""), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("\"expireAfterMillis\" : 604800000"), std::string::npos) << status.out;

  CliResult stop = c.Ozone(*next, {"admin", "om", "lifecycle", "stop"});
  ASSERT_EQ(stop.code, 0) << stop.err;
  CliResult stopped = c.Ozone(*next, {"admin", "om", "lifecycle", "status"});
  EXPECT_NE(stopped.out.find("\"running\" : false"), std::string::npos) << stopped.out;
}

TEST(OmHaTest, WipedFollowerRejoinsThroughCheckpoint) {
  OmClusterOptions o;
  // Small segments: the log is purged segment by segment, so with one 64 MB segment nothing would
  // be purged and the wiped follower would simply catch up from the log.
  o.keys = {{"ozone.om.ratis.snapshot.auto.trigger.threshold", "20"},
            {"ozone.om.ratis.log.purge.gap", "5"},
            {"ozone.om.ratis.segment.size", "4KB"},
            {"ozone.om.ratis.segment.preallocated.size", "4KB"}};
  OmCluster c(o);
  ASSERT_TRUE(c.StartScmRing(0).ok());
  ASSERT_TRUE(c.InitAndStartAll().ok());
  Result<int> leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok());
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(c.Submit(CreateVolumeRequest("before" + std::to_string(i))).value().status(), om::OK);
  }
  int follower = *leader == 3 ? 2 : 3;
  ASSERT_TRUE(c.StopOm(follower).has_value());
  c.WipeMetadata(follower, /*keep_version=*/true);
  for (int i = 0; i < 60; ++i) {
    ASSERT_EQ(c.Submit(CreateVolumeRequest("after" + std::to_string(i))).value().status(), om::OK);
  }
  ASSERT_TRUE(c.StartOm(follower).ok());
  EXPECT_TRUE(c.WaitForLogLine(follower, "installed the checkpoint", 60s));
  EXPECT_TRUE(ScmCluster::WaitUntil(
      [&] {
        auto a = c.Scan(*leader, "volumeTable"), b = c.Scan(follower, "volumeTable");
        return a.ok() && b.ok() && *a == *b && b->find("after59") != std::string::npos;
      },
      60s));
}

// The client-level guarantee: a client (OmClient, real failover) creating keys (open +
// commit) and volumes while the OM leader is killed with SIGKILL carries on by itself; every
// acknowledged create is present exactly once afterwards. A retry after the failover resends the
// same (clientId, callId): were it applied again, a CreateVolume would come back
// VOLUME_ALREADY_EXISTS and a CommitKey KEY_NOT_FOUND (its open session already committed), and
// an OpenKey would leave a second open session behind; none of that may happen.
TEST(OmHaTest, ClientCarriesOnThroughLeaderKillAndEveryAckedCreateIsPresentOnce) {
  OmCluster c;
  ASSERT_TRUE(c.StartScmRing().ok());
  ASSERT_TRUE(c.InitAndStartAll().ok());
  Result<int> leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok()) << leader.status().ToString();
  auto client = c.NewClient();
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  client::OmClient& om = **client;

  Status created = CreateVolumeAndBucket(om, "fovol", "fobucket");
  ASSERT_TRUE(created.ok()) << created.ToString();

  // The retry identity, deterministically: a create acknowledged by the old leader, sent again
  // with the same (clientId, callId) to the new one, gets the original answer.
  om::OMRequest identified = CreateVolumeRequest("retried", 4242);
  identified.set_clientid("om-it-retry");
  OmCall first = c.Call(*leader, identified);
  ASSERT_TRUE(first.rpc_ok) << first.grpc_message;
  ASSERT_EQ(first.response.status(), om::OK) << first.response.message();

  struct Outcome {
    std::string name;
    Status status;
  };
  std::mutex mu;
  std::vector<std::string> acked_keys, acked_volumes;
  std::vector<Outcome> failed;
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  char buf[32];
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      if (i % 5 == 4) {
        std::snprintf(buf, sizeof(buf), "v%06d", i);
        Status s = om.CreateVolume(HadoopVolume(buf));
        std::lock_guard<std::mutex> l(mu);
        if (s.ok()) {
          acked_volumes.push_back(buf);
          ++acked;
        } else {
          failed.push_back({buf, s});
        }
        continue;
      }
      std::snprintf(buf, sizeof(buf), "ack-%06d", i);
      Status s = CreateEmptyKey(om, "fovol", "fobucket", buf);
      std::lock_guard<std::mutex> l(mu);
      if (s.ok()) {
        acked_keys.push_back(buf);
        ++acked;
      } else {
        failed.push_back({buf, s});
      }
    }
  });
  auto await_acked = [&](int n) {
    return ScmCluster::WaitUntil([&] { return acked.load() >= n; }, 120s);
  };

  // Kill -9 the leader in the middle of the stream; the writer carries on by itself.
  EXPECT_TRUE(await_acked(60));
  c.KillOm(*leader);
  const int at_kill = acked.load();
  EXPECT_TRUE(await_acked(at_kill + 100)) << "the client did not carry on after the kill";
  stop = true;
  writer.join();

  Result<int> next = c.WaitForLeader();
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_NE(*next, *leader);

  // No create failed: a double apply would have shown as ALREADY_EXISTS or KEY_NOT_FOUND.
  for (const Outcome& f : failed) ADD_FAILURE() << f.name << ": " << f.status.ToString();
  ASSERT_FALSE(acked_keys.empty());

  OmCall again = c.Call(*next, identified);
  ASSERT_TRUE(again.rpc_ok) << again.grpc_message;
  EXPECT_EQ(again.response.status(), om::OK) << again.response.message();
  om::OMRequest fresh = CreateVolumeRequest("retried", 4243);
  fresh.set_clientid("om-it-retry");
  EXPECT_EQ(c.Call(*next, fresh).response.status(), om::VOLUME_ALREADY_EXISTS);

  // Every acknowledged key is listed exactly once, through the client and through the shell.
  Result<std::map<std::string, int>> all = ListAllKeys(om, "fovol", "fobucket");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::map<std::string, int>& listed = *all;
  for (const std::string& k : acked_keys) EXPECT_EQ(listed[k], 1) << k;
  for (const auto& [k, n] : listed) EXPECT_EQ(n, 1) << k;
  // Nothing but what the writer attempted (each key at most once, the last maybe unanswered).
  EXPECT_LE(listed.size(), acked_keys.size() + failed.size() + 1);
  for (const std::string& v : acked_volumes) {
    auto info = om.InfoVolume(v);
    EXPECT_TRUE(info.ok()) << v << ": " << info.status().ToString();
  }
  CliResult sh = c.Ozone(*next, {"sh", "key", "list", "--all", "/fovol/fobucket"});
  ASSERT_EQ(sh.code, 0) << sh.err;
  for (const std::string& k : acked_keys) {
    const std::string quoted = "\"" + k + "\"";
    size_t first_at = sh.out.find(quoted);
    EXPECT_NE(first_at, std::string::npos) << k;
    if (first_at != std::string::npos) {
      EXPECT_EQ(sh.out.find(quoted, first_at + 1), std::string::npos) << k << " listed twice";
    }
  }
  // The shell sees the same namespace, with Ozone's error code and exit status for what is not.
  CliResult vinfo = c.Ozone(*next, {"sh", "volume", "info", "/fovol"});
  EXPECT_EQ(vinfo.code, 0) << vinfo.err;
  EXPECT_NE(vinfo.out.find("\"fovol\""), std::string::npos) << vinfo.out;
  CliResult binfo = c.Ozone(*next, {"sh", "bucket", "info", "/fovol/fobucket"});
  EXPECT_EQ(binfo.code, 0) << binfo.err;
  EXPECT_NE(binfo.out.find("\"fobucket\""), std::string::npos) << binfo.out;
  CliResult kinfo = c.Ozone(*next, {"sh", "key", "info", "/fovol/fobucket/" + acked_keys.front()});
  EXPECT_EQ(kinfo.code, 0) << kinfo.err;
  EXPECT_NE(kinfo.out.find(acked_keys.front()), std::string::npos) << kinfo.out;
  CliResult missing = c.Ozone(*next, {"sh", "volume", "info", "/nosuchvol"});
  EXPECT_EQ(missing.code, 255);
  EXPECT_NE(missing.err.find("VOLUME_NOT_FOUND"), std::string::npos) << missing.err;

  // No OpenKey was applied twice: every open session was committed, none is left open.
  for (int i = 1; i <= 3; ++i) {
    if (!c.IsRunning(i)) continue;
    EXPECT_TRUE(ScmCluster::WaitUntil(
        [&] {
          auto open = c.Scan(i, "openKeyTable");
          auto keys = c.Scan(i, "keyTable");
          return open.ok() && keys.ok() && open->find("ack-") == std::string::npos &&
                 keys->find(acked_keys.back()) != std::string::npos;
        },
        30s))
        << c.NodeId(i);
  }
}

// `ozone freon randomkeys` as the SCM HA documents run it: the documents' command line is
// recognized; their 512 KiB keys need the datanodes and are refused before anything is created;
// the same run with empty keys creates, validates and cleans what Ozone's would.
TEST(OmHaTest, FreonRandomKeysAsTheScmHaDocumentsRunIt) {
  OmCluster c;
  ASSERT_TRUE(c.StartScmRing().ok());
  ASSERT_TRUE(c.InitAndStartAll().ok());
  auto volumes = [&c]() -> std::vector<std::string> {
    CliResult list = c.Ozone(1, {"sh", "volume", "list", "/"});
    EXPECT_EQ(list.code, 0) << list.err;
    std::vector<std::string> names;
    std::regex name("\"name\" : \"(vol-[0-9]+-[0-9]{5})\"");
    for (std::sregex_iterator it(list.out.begin(), list.out.end(), name), end; it != end; ++it) {
      names.push_back((*it)[1]);
    }
    return names;
  };

  CliResult with_data =
      c.Ozone(2, {"freon", "randomkeys", "--numOfVolumes=1", "--numOfBuckets=1",
                  "--numOfKeys=10000", "--keySize=524288", "--replicationType=RATIS",
                  "--numOfThreads=8", "--factor=THREE", "--bufferSize=1048576"});
  EXPECT_EQ(with_data.code, 255) << with_data.out << with_data.err;
  EXPECT_NE(with_data.err.find("NOT_SUPPORTED_OPERATION"), std::string::npos) << with_data.err;
  EXPECT_NE(with_data.err.find("--key-size 0"), std::string::npos) << with_data.err;
  EXPECT_TRUE(volumes().empty());

  CliResult run =
      c.Ozone(2, {"freon", "randomkeys", "--numOfVolumes=2", "--numOfBuckets=2", "--numOfKeys=5",
                  "--keySize=0", "--replicationType=RATIS", "--numOfThreads=3", "--factor=THREE",
                  "--bufferSize=1048576", "--validateWrites", "--bucket-layout=LEGACY"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  for (const char* line :
       {"\n***************************************************\nStatus: Success\n",
        "\nNumber of Volumes created: 2\n", "\nNumber of Buckets created: 4\n",
        "\nNumber of Keys added: 20\n", "\nReplication: RATIS/THREE\n",
        "\nTotal bytes written: 0\n", "\nTotal number of writes validated: 20\n",
        "\nWrites validated: 100.0 %\n", "\nSuccessful validation: 20\n",
        "\nUnsuccessful validation: 0\nAverage Time spent in key read and validation: "}) {
    EXPECT_NE(run.out.find(line), std::string::npos) << line << " in\n" << run.out;
  }
  EXPECT_TRUE(std::regex_search(run.out, std::regex("\nAverage Time spent in key creation: "
                                                    "[0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3}\n")))
      << run.out;
  // Two volumes of two buckets of five keys, named as Ozone names them, replicated as asked.
  std::vector<std::string> created = volumes();
  ASSERT_EQ(created.size(), 2u);
  for (const std::string& v : created) {
    CliResult buckets = c.Ozone(3, {"sh", "bucket", "list", "/" + v});
    ASSERT_EQ(buckets.code, 0) << buckets.err;
    std::regex bucket_name("\"name\" : \"(bucket-[0-9]+-[0-9]{5})\"");
    int seen = 0;
    for (std::sregex_iterator it(buckets.out.begin(), buckets.out.end(), bucket_name), end;
         it != end; ++it, ++seen) {
      CliResult keys = c.Ozone(3, {"sh", "key", "list", "/" + v + "/" + (*it)[1].str()});
      ASSERT_EQ(keys.code, 0) << keys.err;
      std::regex key_name("\"name\" : \"key-[0-9]+-[0-9]{5}\"");
      EXPECT_EQ(std::distance(std::sregex_iterator(keys.out.begin(), keys.out.end(), key_name),
                              std::sregex_iterator()),
                5)
          << keys.out;
      EXPECT_NE(keys.out.find("\"replicationFactor\" : \"THREE\""), std::string::npos) << keys.out;
    }
    EXPECT_EQ(seen, 2) << buckets.out;
    EXPECT_NE(buckets.out.find("\"bucketLayout\" : \"LEGACY\""), std::string::npos) << buckets.out;
  }

  // --clean-objects: a run leaves nothing behind.
  CliResult clean = c.Ozone(1, {"freon", "rk", "--num-of-volumes", "1", "--num-of-buckets", "2",
                                "--num-of-keys", "3", "--key-size", "0", "--clean-objects"});
  ASSERT_EQ(clean.code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("\nNumber of Keys added: 6\n"), std::string::npos) << clean.out;
  EXPECT_EQ(volumes().size(), 2u);
}

// Ctrl-C or SIGTERM during a freon run, as Ozone's generators take it (their report comes from a
// JVM shutdown hook): the run stops, its report shows what it did, the command exits 128 + the
// signal, and randomkeys skips --clean-objects.
TEST(OmHaTest, AnInterruptedFreonRunPrintsItsReport) {
  OmCluster c;
  ASSERT_TRUE(c.StartScmRing().ok());
  ASSERT_TRUE(c.InitAndStartAll().ok());
  // Runs `args` until a progress line counts at least one object, then sends `sig`; returns the
  // exit status and everything the command printed.
  auto interrupt = [&c](const std::vector<std::string>& args, int sig) {
    CliResult r;
    std::string err_file;
    auto p = c.StartOzone(1, args, &err_file);
    if (!p.ok()) {
      ADD_FAILURE() << p.status().ToString();
      return r;
    }
    const std::regex progress("^Progress: .*\\(([0-9]+) out of ");
    bool started = false;
    while (std::optional<std::string> line = p->ReadLine(60s)) {
      r.out += *line + "\n";
      std::smatch m;
      if (std::regex_search(*line, m, progress) && std::stoll(m[1]) > 0) {
        started = true;
        break;
      }
    }
    EXPECT_TRUE(started) << r.out;
    p->Signal(sig);
    while (std::optional<std::string> line = p->ReadLine(60s)) r.out += *line + "\n";
    std::optional<int> status = p->Wait(60s);
    if (status && WIFEXITED(*status)) r.code = WEXITSTATUS(*status);
    std::ifstream err(err_file);
    r.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
    return r;
  };

  CliResult omkg = interrupt({"freon", "omkg", "-n", "10000000", "-t", "2"}, SIGINT);
  EXPECT_EQ(omkg.code, 130) << omkg.out << omkg.err;
  EXPECT_NE(omkg.out.find("\nFailures: 0\n"), std::string::npos) << omkg.out;
  std::smatch done;
  ASSERT_TRUE(std::regex_search(omkg.out, done, std::regex("\nSuccessful executions: ([0-9]+)\n")))
      << omkg.out;
  EXPECT_GT(std::stoll(done[1]), 0);
  EXPECT_LT(std::stoll(done[1]), 10000000);

  CliResult rk =
      interrupt({"freon", "randomkeys", "--numOfVolumes=1", "--numOfBuckets=1",
                 "--numOfKeys=10000000", "--keySize=0", "--numOfThreads=2", "--clean-objects"},
                SIGTERM);
  EXPECT_EQ(rk.code, 143) << rk.out << rk.err;
  EXPECT_NE(rk.out.find("\nStatus: Success\nGit Base Revision: "), std::string::npos) << rk.out;
  ASSERT_TRUE(std::regex_search(rk.out, done, std::regex("\nNumber of Keys added: ([0-9]+)\n")))
      << rk.out;
  EXPECT_GT(std::stoll(done[1]), 0);
  // Not cleaned: the volume it made is still there.
  CliResult list = c.Ozone(2, {"sh", "volume", "list", "/"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_TRUE(std::regex_search(list.out, std::regex("\"name\" : \"vol-0-[0-9]{5}\""))) << list.out;
}

}  // namespace
}  // namespace ozone::integration
