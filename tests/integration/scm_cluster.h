// ScmCluster: a ring of real SCM processes (`ozone scm`) on 127.0.0.1 for integration tests, set
// up the way an operator does it: one configuration directory per node (ozone-site.xml with the
// ring's service id, every node's address and distinct per-node ports, ozone.scm.node.id and
// ozone.metadata.dirs of that node), `ozone scm --init` / `--bootstrap` through the CLI, then
// `ozone scm` in the foreground. Simulated datanodes (tests/datanode_sim) run in the test
// process. Everything started is stopped by the destructor (SIGKILL for what is still running).
//
// Thread-safety: one test thread drives a cluster; Client() and the datanodes may be used from
// other threads.
#pragma once

#include <chrono>
#include <ios>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/scm_client.h"
#include "common/result.h"
#include "tests/datanode_sim/simulated_datanode.h"
#include "tests/testutil/ports.h"
#include "tests/testutil/subprocess.h"

namespace ozone::integration {

// Lines of the file at `path` containing `text` (none if it cannot be read).
std::vector<std::string> FileLinesContaining(const std::string& path, const std::string& text);

struct CliResult {
  int code = -1;  // exit code; -1 if it did not exit in time
  std::string out;
  std::string err;
};

// `<binary> --config <conf_dir> args...` started and left running: its stdout is the
// Subprocess's pipe, its stderr goes to `err_file`.
Result<testutil::Subprocess> StartOzoneCli(const std::string& binary, const std::string& conf_dir,
                                           const std::vector<std::string>& args,
                                           const std::string& err_file);
// The same, waited for up to `timeout`: its exit code, stdout and stderr.
CliResult RunOzoneCli(const std::string& binary, const std::string& conf_dir,
                      const std::vector<std::string>& args, const std::string& err_file,
                      std::chrono::milliseconds timeout);

struct ScmClusterOptions {
  // Nodes in the configuration (scm1..scmN).
  int nodes = 3;
  // Keys for every node (on top of the test defaults: fast failover, short waits).
  std::map<std::string, std::string> keys;
};

class ScmCluster {
 public:
  explicit ScmCluster(ScmClusterOptions options = {});
  ~ScmCluster();
  ScmCluster(const ScmCluster&) = delete;
  ScmCluster& operator=(const ScmCluster&) = delete;

  int size() const { return static_cast<int>(node_ids_.size()); }
  // Node numbers are 1-based: scm1 is node 1.
  std::string NodeId(int node) const { return "scm" + std::to_string(node); }
  std::string ConfDir(int node) const;
  std::string MetaDir(int node) const;
  std::string LogFile(int node) const;
  std::string VersionFile(int node) const;
  int ClientPort(int node) const { return Port(node, 2); }
  int BlockPort(int node) const { return Port(node, 3); }
  int DatanodePort(int node) const { return Port(node, 4); }
  int RatisPort(int node) const { return Port(node, 0); }

  // Rewrites every node's ozone-site.xml for `nodes` nodes in the ring (migration: a one-node
  // ring extended to three), keeping ports and directories; `keys` are added.
  void Reconfigure(int nodes, const std::map<std::string, std::string>& keys = {});

  // `ozone --config <node's dir> args...`, waited for.
  CliResult Ozone(int node, const std::vector<std::string>& args,
                  std::chrono::milliseconds timeout = std::chrono::seconds(120));

  // `ozone scm` on `node`; returns once it printed that it started (or failed).
  Status StartScm(int node);
  void KillScm(int node);  // kill -9
  // SIGTERM and wait; the exit status (as from waitpid), or nullopt on timeout.
  std::optional<int> StopScm(int node,
                             std::chrono::milliseconds timeout = std::chrono::seconds(20));
  bool IsRunning(int node) const;
  // Whether the process of `node` started by StartScm still runs (checks the process: false once
  // it exited, whatever the reason; such a node no longer counts as running).
  bool IsAlive(int node);

  // init on scm1, bootstrap on the others, start all (the documented flow); all VERSION files
  // written.
  Status InitAndStartAll();

  // A client of the ring (failover over every configured node).
  std::unique_ptr<client::ScmClient> Client(std::optional<rpc::FailoverOptions> failover = {});
  // Waits until one running node leads, ready, with every running node agreeing; its node number.
  Result<int> WaitForLeader(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // The roles as the leader reports them.
  Result<scm::GetScmInfoResponse> Roles();
  // The scmUuid of `node` (from its VERSION file).
  std::string ScmUuid(int node) const;
  std::string ClusterId(int node) const;

  // Simulated datanodes (in this process) registered with every SCM of the configuration.
  void StartDatanodes(int count,
                      std::chrono::milliseconds heartbeat = std::chrono::milliseconds(200));
  std::vector<dnsim::SimulatedDatanode*> datanodes();
  void StopDatanodes();

  // `ozone debug ldb --db=<node's scm.db> scan --cf=<cf> --with-keys` (read-only, works while it
  // runs).
  Result<std::string> Scan(int node, const std::string& column_family);

  // Lines of the node's server log containing `text`. A server flushes its log every second (at
  // once from WARN up): to see a line it just logged, use WaitForLogLine.
  std::vector<std::string> LogLines(int node, const std::string& text) const;
  // Waits until the node's log holds a line containing `text`.
  bool WaitForLogLine(int node, const std::string& text,
                      std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;
  // The last of them, or "" if none.
  std::string LastLogLine(int node, const std::string& text) const;

  // Whether `node` (a running one) says it is in safe mode (its own view, no failover).
  Result<bool> InSafeMode(int node);
  // Waits until every running node says it is out of safe mode.
  bool WaitOutOfSafeMode(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Waits until the leader's roles list `node` as a FOLLOWER holding everything the leader had
  // committed when this was called, and the node says it caught up with the leader since its
  // last start (its log: it opened its datanode protocol server, which a follower does once it
  // applied what the leader had committed when it started): it rejoined.
  Status WaitForFollower(int node, std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Waits until the ring is quiet: every member of the leader's roles reports the leader's commit
  // index as its own, and that index did not move over two polls `settle` apart. Returns it.
  Result<uint64_t> WaitForQuiescence(std::chrono::milliseconds timeout = std::chrono::seconds(60),
                                     std::chrono::milliseconds settle = std::chrono::seconds(1));

  // Removes what `node` keeps in its metadata directory: scm.db, the Raft log and snapshot
  // directories, and with `keep_version` false also scm/current/VERSION. REQUIRES: not running.
  void WipeMetadata(int node, bool keep_version);

  // Polls `pred` every 20 ms until it holds or `timeout` passes.
  static bool WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

 private:
  int Port(int node, int offset) const { return base_port_ + node * 10 + offset; }
  void WriteConfig(int node, int nodes_in_ring);
  // The index the node had applied when it opened its datanode protocol server since its last
  // start (its log from where it was when StartScm ran), if it did.
  std::optional<uint64_t> AppliedWhenOpened(int node) const;
  std::string OzoneBinary() const;

  ScmClusterOptions options_;
  testutil::TempDir tmp_;
  int base_port_ = 0;
  std::optional<testutil::PortBlock> ports_;  // held for the cluster's life
  std::vector<std::string> node_ids_;
  std::map<int, std::unique_ptr<testutil::Subprocess>> servers_;
  std::map<int, std::streamoff> log_start_;  // size of the node's log when StartScm ran
  std::vector<std::unique_ptr<dnsim::SimulatedDatanode>> datanodes_;
};

}  // namespace ozone::integration
