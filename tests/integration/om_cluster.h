// OmCluster: a ring of real OM processes (`ozone om`) on 127.0.0.1 next to a ScmCluster (3 SCMs,
// simulated datanodes), set up as an operator does it: one configuration directory per OM
// (ozone-site.xml with the SCM ring, the OM service id, every OM's address and Raft port,
// ozone.om.node.id and ozone.metadata.dirs of that node), `ozone om --init` on every OM through
// the CLI, then `ozone om` in the foreground (the harness waits for "OM <node> started").
// Requests go straight to a node through a raw gRPC stub of OzoneManagerService.
// Everything started is stopped by the destructor (SIGKILL for what still runs).
//
// Thread-safety: one test thread drives a cluster.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/om_client.h"
#include "common/result.h"
#include "om.pb.h"
#include "tests/integration/scm_cluster.h"
#include "tests/testutil/subprocess.h"

namespace ozone::integration {

struct OmClusterOptions {
  // OMs configured in ozone.om.nodes.omservice (om1..omN) and started by StartAll.
  int nodes = 3;
  // Extra OMs with their own ports and directories that are NOT in the configuration until
  // AddToConfig (bootstrap tests).
  int spare_nodes = 0;
  // Keys for every OM (on top of the test defaults: fast elections, short intervals).
  std::map<std::string, std::string> keys;
  // SCM ring options.
  ScmClusterOptions scm;
};

// A submitted request's outcome on one node: the gRPC status (ok, or NotLeader, ...) and the
// response.
struct OmCall {
  bool rpc_ok = false;
  int grpc_code = -1;
  std::string grpc_message;
  std::string leader_hint;  // trailing metadata ozone-leader-address, if any
  om::OMResponse response;
};

class OmCluster {
 public:
  explicit OmCluster(OmClusterOptions options = {});
  ~OmCluster();
  OmCluster(const OmCluster&) = delete;
  OmCluster& operator=(const OmCluster&) = delete;

  ScmCluster& scm() { return *scm_; }
  static constexpr char kServiceId[] = "omservice";
  int size() const { return configured_; }
  std::string NodeId(int node) const { return "om" + std::to_string(node); }
  std::string ConfDir(int node) const;
  std::string MetaDir(int node) const;
  std::string DbPath(int node) const { return MetaDir(node) + "/om.db"; }
  std::string LogFile(int node) const;
  std::string VersionFile(int node) const { return MetaDir(node) + "/om/current/VERSION"; }
  int RpcPort(int node) const { return base_port_ + 60 + (node - 1) * 10; }
  int RatisPort(int node) const { return base_port_ + 61 + (node - 1) * 10; }
  std::string RpcAddress(int node) const { return "127.0.0.1:" + std::to_string(RpcPort(node)); }

  // 3 SCMs (init, bootstrap, start) and `datanodes` simulated datanodes.
  Status StartScmRing(int datanodes = 3);
  // `ozone --config <om's dir> args...`, waited for.
  CliResult Ozone(int node, const std::vector<std::string>& args,
                  std::chrono::milliseconds timeout = std::chrono::seconds(120));
  // The same, started and left running: its stdout is the Subprocess's, its stderr goes to
  // `*err_file`.
  Result<testutil::Subprocess> StartOzone(int node, const std::vector<std::string>& args,
                                          std::string* err_file);
  // `ozone om --init` on every configured OM, then `ozone om` on each.
  Status InitAndStartAll();
  // `ozone om` (or `ozone om --bootstrap [--force]`) on `node`; returns once it printed its start
  // line.
  Status StartOm(int node, bool bootstrap = false, bool force = false);
  // `ozone om <flags...>` (e.g. {"--upgrade"}).
  Status StartOmWith(int node, const std::vector<std::string>& flags);
  void KillOm(int node);  // kill -9
  std::optional<int> StopOm(int node, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  bool IsRunning(int node) const { return servers_.count(node) > 0; }
  // Rewrites every OM's ozone-site.xml with `nodes` OMs in ozone.om.nodes.omservice.
  void Reconfigure(int nodes);
  // Rewrites only `node`'s ozone-site.xml with `nodes` OMs (an operator who updated one file).
  void ReconfigureNode(int node, int nodes) { WriteConfig(node, nodes); }
  // Sets `key` in `node`'s ozone-site.xml only (kept through later rewrites of that file).
  void SetNodeKey(int node, const std::string& key, const std::string& value);
  // Removes om.db, the Raft log and snapshot directories (and VERSION unless kept).
  // REQUIRES: not running.
  void WipeMetadata(int node, bool keep_version);

  // One Submit on `node`, no failover.
  OmCall Call(int node, const om::OMRequest& request,
              std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Submit to the leader: tries the running nodes until one answers (following NotLeader),
  // within `timeout`. The response, or the last error.
  Result<om::OMResponse> Submit(const om::OMRequest& request,
                                std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Waits until a running node serves as ready leader, answering ServiceList with every running
  // node in it; its node number.
  Result<int> WaitForLeader(std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // An OmClient of the service as configured in `node`'s configuration directory, with fast
  // failover (200 ms between rounds, 500 attempts, 20 s per call).
  Result<std::unique_ptr<client::OmClient>> NewClient(int node = 1);

  // `ozone debug ldb --db=<om.db of node> scan --column_family=<cf> --with-keys`.
  Result<std::string> Scan(int node, const std::string& column_family);
  // As ScmCluster's: the log is flushed every second, so wait for a line just logged.
  std::vector<std::string> LogLines(int node, const std::string& text) const;
  bool WaitForLogLine(int node, const std::string& text,
                      std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;

 private:
  void WriteConfig(int node, int nodes_in_ring);
  std::string OzoneBinary() const;

  OmClusterOptions options_;
  std::unique_ptr<ScmCluster> scm_;
  testutil::TempDir tmp_;
  int base_port_ = 0;
  int configured_ = 0;
  int call_counter_ = 0;
  std::map<int, std::unique_ptr<testutil::Subprocess>> servers_;
  std::map<int, int> ring_written_;                              // node -> nodes_in_ring
  std::map<int, std::map<std::string, std::string>> node_keys_;  // SetNodeKey
};

// Requests as a client sends them (clientId "om-it", callId when nonzero).
om::OMRequest CreateVolumeRequest(const std::string& volume, uint64_t call = 0);
om::OMRequest InfoVolumeRequest(const std::string& volume);
om::OMRequest CreateBucketRequest(const std::string& volume, const std::string& bucket);
om::OMRequest CreateKeyRequest(const std::string& volume, const std::string& bucket,
                               const std::string& key);

// Through a client, as an application does it: a volume owned and administered by "hadoop", a
// bucket in it, an empty key (OpenKey, then CommitKey with the session id).
om::VolumeInfo HadoopVolume(const std::string& volume);
Status CreateVolumeAndBucket(client::OmClient& om, const std::string& volume,
                             const std::string& bucket);
Status CreateEmptyKey(client::OmClient& om, const std::string& volume, const std::string& bucket,
                      const std::string& key);
// Every key of the bucket, page after page of ListKeys, with how many times it was listed.
Result<std::map<std::string, int>> ListAllKeys(client::OmClient& om, const std::string& volume,
                                               const std::string& bucket);

// The node ids (om1, ...) that `ozone admin om roles` output lists with `role` (LEADER or
// FOLLOWER or LISTENER), in the order listed.
std::vector<std::string> WithRole(const std::string& roles, const std::string& role);

}  // namespace ozone::integration
