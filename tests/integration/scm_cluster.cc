#include "tests/integration/scm_cluster.h"

#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/config/config_loader.h"

namespace ozone::integration {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Property(const std::string& version, const std::string& key) {
  std::istringstream in(version);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  }
  return "";
}

}  // namespace

Result<testutil::Subprocess> StartOzoneCli(const std::string& binary, const std::string& conf_dir,
                                           const std::vector<std::string>& args,
                                           const std::string& err_file) {
  std::vector<std::string> argv = {
      "/bin/sh", "-c", "exec \"$0\" \"$@\" 2>\"" + err_file + "\"", binary, "--config", conf_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  return testutil::Subprocess::Start(argv);
}

CliResult RunOzoneCli(const std::string& binary, const std::string& conf_dir,
                      const std::vector<std::string>& args, const std::string& err_file,
                      std::chrono::milliseconds timeout) {
  CliResult r;
  auto p = StartOzoneCli(binary, conf_dir, args, err_file);
  if (!p.ok()) {
    r.err = p.status().ToString();
    return r;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto line = p->ReadLine(left);
    if (!line) break;
    r.out += *line + "\n";
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  std::optional<int> status = p->Wait(std::max(left, std::chrono::milliseconds(1)));
  if (status && WIFEXITED(*status)) r.code = WEXITSTATUS(*status);
  r.err = ReadFile(err_file);
  return r;
}

ScmCluster::ScmCluster(ScmClusterOptions options) : options_(std::move(options)) {
  // Ports base + 10 * node + offset of up to 5 nodes (offsets 0-4), in a block of their own.
  Result<testutil::PortBlock> block = testutil::PortBlock::Claim([](int base) {
    for (int n = 1; n <= 5; ++n) {
      for (int o = 0; o < 5; ++o) {
        if (!testutil::PortFree(base + n * 10 + o)) return false;
      }
    }
    return true;
  });
  if (block.ok()) {
    base_port_ = block->base();
    ports_.emplace(std::move(block).value());
  }
  for (int i = 1; i <= options_.nodes; ++i) node_ids_.push_back(NodeId(i));
  for (int i = 1; i <= options_.nodes; ++i) WriteConfig(i, options_.nodes);
}

ScmCluster::~ScmCluster() {
  StopDatanodes();
  servers_.clear();  // SIGKILL whatever still runs
}

std::string ScmCluster::ConfDir(int node) const { return tmp_.Sub(NodeId(node) + "/conf"); }
std::string ScmCluster::MetaDir(int node) const {
  return tmp_.Sub(NodeId(node) + "/data/metadata");
}
std::string ScmCluster::LogFile(int node) const {
  return tmp_.Sub(NodeId(node) + "/data/logs/ozone-scm-" + NodeId(node) + ".log");
}
std::string ScmCluster::VersionFile(int node) const {
  return MetaDir(node) + "/scm/current/VERSION";
}

std::string ScmCluster::OzoneBinary() const {
  const char* dir = std::getenv("OZONE_TEST_BIN_DIR");
  std::string root = dir && *dir ? dir : testutil::TestBinaryDir() + "/../..";
  return root + "/src/tools/ozone";
}

void ScmCluster::WriteConfig(int node, int nodes_in_ring) {
  fs::create_directories(ConfDir(node));
  std::map<std::string, std::string> keys = {
      {"ozone.scm.service.ids", "cluster1"},
      {"ozone.scm.node.id", NodeId(node)},
      {"ozone.metadata.dirs", MetaDir(node)},
      // Fast failover for tests.
      {"hdds.scmclient.failover.retry.interval", "100ms"},
      {"hdds.scmclient.failover.max.retry", "100"},
      {"hdds.scmclient.rpc.timeout", "20s"},
      {"ozone.scm.info.wait.duration", "30s"},
      {"ozone.scm.pipeline.creation.interval", "1s"},
      {"hdds.scm.wait.time.after.safemode.exit", "1s"},
      {"hdds.scm.replication.thread.interval", "2s"},
      {"hdds.scm.block.deleting.service.interval", "1s"},
      {"ozone.scm.ha.dbtransactionbuffer.flush.interval", "1s"},
  };
  std::string nodes;
  for (int i = 1; i <= nodes_in_ring; ++i) {
    nodes += (i > 1 ? "," : "") + NodeId(i);
    const std::string sfx = ".cluster1." + NodeId(i);
    keys["ozone.scm.address" + sfx] = "127.0.0.1";
    keys["ozone.scm.ratis.port" + sfx] = std::to_string(Port(i, 0));
    keys["ozone.scm.grpc.port" + sfx] = std::to_string(Port(i, 1));
    keys["ozone.scm.client.port" + sfx] = std::to_string(Port(i, 2));
    keys["ozone.scm.block.client.port" + sfx] = std::to_string(Port(i, 3));
    keys["ozone.scm.datanode.port" + sfx] = std::to_string(Port(i, 4));
  }
  keys["ozone.scm.nodes.cluster1"] = nodes;
  for (const auto& [k, v] : options_.keys) keys[k] = v;
  std::ofstream out(ConfDir(node) + "/ozone-site.xml");
  out << "<?xml version=\"1.0\"?>\n<configuration>\n";
  for (const auto& [k, v] : keys) {
    out << "  <property><name>" << k << "</name><value>" << v << "</value></property>\n";
  }
  out << "</configuration>\n";
}

void ScmCluster::Reconfigure(int nodes, const std::map<std::string, std::string>& keys) {
  for (const auto& [k, v] : keys) options_.keys[k] = v;
  for (int i = static_cast<int>(node_ids_.size()) + 1; i <= nodes; ++i) {
    node_ids_.push_back(NodeId(i));
  }
  for (int i = 1; i <= nodes; ++i) WriteConfig(i, nodes);
}

CliResult ScmCluster::Ozone(int node, const std::vector<std::string>& args,
                            std::chrono::milliseconds timeout) {
  static int counter = 0;
  return RunOzoneCli(OzoneBinary(), ConfDir(node), args,
                     tmp_.Sub("cli-" + std::to_string(++counter) + ".err"), timeout);
}

Status ScmCluster::StartScm(int node) {
  fs::create_directories(tmp_.Sub(NodeId(node)));
  std::error_code ec;
  uintmax_t log_size = fs::file_size(LogFile(node), ec);
  log_start_[node] = ec ? 0 : static_cast<std::streamoff>(log_size);
  std::string err_file = tmp_.Sub(NodeId(node) + "/stderr.log");
  std::vector<std::string> argv = {
      "/bin/sh",     "-c", "exec \"$0\" \"$@\" 2>>\"" + err_file + "\"", OzoneBinary(), "--config",
      ConfDir(node), "scm"};
  OZ_ASSIGN_OR_RETURN(testutil::Subprocess p, testutil::Subprocess::Start(argv));
  auto proc = std::make_unique<testutil::Subprocess>(std::move(p));
  std::optional<std::string> line = proc->ReadLine(60s);
  if (!line || line->rfind("SCM " + NodeId(node) + " started", 0) != 0) {
    std::optional<int> status = proc->Wait(5s);
    return Status::Unavailable(NodeId(node) + " did not start (exit " +
                               (status ? std::to_string(WEXITSTATUS(*status)) : "?") +
                               "): " + ReadFile(err_file).substr(0, 2000));
  }
  servers_[node] = std::move(proc);
  return Status::OK();
}

void ScmCluster::KillScm(int node) {
  auto it = servers_.find(node);
  if (it == servers_.end()) return;
  it->second->Kill();
  servers_.erase(it);
}

std::optional<int> ScmCluster::StopScm(int node, std::chrono::milliseconds timeout) {
  auto it = servers_.find(node);
  if (it == servers_.end()) return std::nullopt;
  it->second->Signal(SIGTERM);
  std::optional<int> status = it->second->Wait(timeout);
  servers_.erase(it);
  return status;
}

bool ScmCluster::IsRunning(int node) const { return servers_.count(node) > 0; }

bool ScmCluster::IsAlive(int node) {
  auto it = servers_.find(node);
  if (it == servers_.end()) return false;
  if (!it->second->Wait(std::chrono::milliseconds(0)).has_value()) return true;
  servers_.erase(it);
  return false;
}

Status ScmCluster::InitAndStartAll() {
  CliResult init = Ozone(1, {"scm", "--init"});
  if (init.code != 0) return Status::Internal("init failed: " + init.err);
  OZ_RETURN_IF_ERROR(StartScm(1));
  for (int i = 2; i <= size(); ++i) {
    CliResult b = Ozone(i, {"scm", "--bootstrap"});
    if (b.code != 0) return Status::Internal(NodeId(i) + " bootstrap failed: " + b.err);
    OZ_RETURN_IF_ERROR(StartScm(i));
  }
  return Status::OK();
}

std::unique_ptr<client::ScmClient> ScmCluster::Client(
    std::optional<rpc::FailoverOptions> failover) {
  auto conf = config::LoadConfiguration({ConfDir(1), {}, ""});
  if (!conf.ok()) return nullptr;
  client::ScmClientOptions o;
  o.failover = failover;
  auto c = client::ScmClient::Create(*conf, o);
  return c.ok() ? std::move(c).value() : nullptr;
}

Result<scm::GetScmInfoResponse> ScmCluster::Roles() {
  rpc::FailoverOptions fo;
  fo.retry_interval = 100ms;
  fo.max_failovers = 6;
  fo.rpc_timeout = 5s;
  auto c = Client(fo);
  if (!c) return Status::Internal("no client");
  return c->GetScmRoles();
}

Result<int> ScmCluster::WaitForLeader(std::chrono::milliseconds timeout) {
  int leader = 0;
  bool ok = WaitUntil(
      [&] {
        Result<scm::GetScmInfoResponse> roles = Roles();
        if (!roles.ok()) return false;
        for (const auto& r : roles->peerroles()) {
          if (r.role() != "LEADER") continue;
          for (int i = 1; i <= size(); ++i) {
            if (r.nodeid() == NodeId(i) && IsRunning(i)) leader = i;
          }
        }
        return leader != 0;
      },
      timeout);
  if (!ok) return Status::Timeout("no leader within the timeout");
  return leader;
}

std::string ScmCluster::ScmUuid(int node) const {
  return Property(ReadFile(VersionFile(node)), "scmUuid");
}

std::string ScmCluster::ClusterId(int node) const {
  return Property(ReadFile(VersionFile(node)), "clusterID");
}

void ScmCluster::StartDatanodes(int count, std::chrono::milliseconds heartbeat) {
  std::vector<std::string> addresses;
  for (int i = 1; i <= size(); ++i) addresses.push_back("127.0.0.1:" + std::to_string(Port(i, 4)));
  int first = static_cast<int>(datanodes_.size()) + 1;
  for (int i = first; i < first + count; ++i) {
    dnsim::SimulatedDatanodeOptions o;
    char uuid[40];
    std::snprintf(uuid, sizeof(uuid), "00000000-0000-4000-8000-%012x", i);
    o.uuid = uuid;
    o.hostname = "dn" + std::to_string(i);
    o.scm_addresses = addresses;
    o.heartbeat_interval = heartbeat;
    datanodes_.push_back(std::make_unique<dnsim::SimulatedDatanode>(o));
    datanodes_.back()->Start();
  }
}

std::vector<dnsim::SimulatedDatanode*> ScmCluster::datanodes() {
  std::vector<dnsim::SimulatedDatanode*> out;
  for (auto& d : datanodes_) out.push_back(d.get());
  return out;
}

void ScmCluster::StopDatanodes() {
  for (auto& d : datanodes_) d->Stop();
  datanodes_.clear();
}

Result<std::string> ScmCluster::Scan(int node, const std::string& column_family) {
  CliResult r = Ozone(node, {"debug", "ldb", "--db=" + MetaDir(node) + "/scm.db", "scan",
                             "--cf=" + column_family, "--with-keys"});
  if (r.code != 0) return Status::Internal("scan of " + column_family + " failed: " + r.err);
  return r.out;
}

std::vector<std::string> FileLinesContaining(const std::string& path, const std::string& text) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(text) != std::string::npos) out.push_back(line);
  }
  return out;
}

std::vector<std::string> ScmCluster::LogLines(int node, const std::string& text) const {
  return FileLinesContaining(LogFile(node), text);
}

bool ScmCluster::WaitForLogLine(int node, const std::string& text,
                                std::chrono::milliseconds timeout) const {
  return WaitUntil([&] { return !LogLines(node, text).empty(); }, timeout);
}

std::string ScmCluster::LastLogLine(int node, const std::string& text) const {
  std::vector<std::string> lines = LogLines(node, text);
  return lines.empty() ? "" : lines.back();
}

Result<bool> ScmCluster::InSafeMode(int node) {
  rpc::FailoverOptions fo;
  fo.max_failovers = 0;
  fo.rpc_timeout = 5s;
  auto c = Client(fo);
  if (!c) return Status::Internal("no client");
  OZ_ASSIGN_OR_RETURN(scm::SafeModeStatusResponse r, c->GetSafeModeStatusOf(node - 1));
  return r.insafemode();
}

bool ScmCluster::WaitOutOfSafeMode(std::chrono::milliseconds timeout) {
  return WaitUntil(
      [&] {
        for (int i = 1; i <= size(); ++i) {
          if (!IsRunning(i)) continue;
          Result<bool> in = InSafeMode(i);
          if (!in.ok() || *in) return false;
        }
        return true;
      },
      timeout);
}

Status ScmCluster::WaitForFollower(int node, std::chrono::milliseconds timeout) {
  std::optional<uint64_t> target;
  std::string last;
  bool ok = WaitUntil(
      [&] {
        Result<scm::GetScmInfoResponse> roles = Roles();
        if (!roles.ok()) {
          last = roles.status().ToString();
          return false;
        }
        if (!target) {
          for (const auto& r : roles->peerroles()) {
            if (r.role() == "LEADER") target = r.commit();
          }
          if (!target) return false;
        }
        bool follower = false;
        for (const auto& r : roles->peerroles()) {
          if (r.nodeid() != NodeId(node)) continue;
          last = r.ShortDebugString();
          follower = r.role() == "FOLLOWER" && r.match() >= *target;
        }
        if (!follower) return false;
        // The leader's match index of a node that restarted (or lost its data) is what it was
        // before until the node answers; the node itself says when it caught up: it opens its
        // datanode protocol server once it applied what the leader had committed when it
        // (re)started.
        last = NodeId(node) + " has not opened its datanode server since it started";
        return AppliedWhenOpened(node).has_value();
      },
      timeout);
  if (!ok) return Status::Timeout(NodeId(node) + " did not rejoin as a follower: " + last);
  return Status::OK();
}

std::optional<uint64_t> ScmCluster::AppliedWhenOpened(int node) const {
  std::ifstream in(LogFile(node));
  // Only what this run logged: the log is flushed every second, so the end of the file may still
  // be the previous run's for a while.
  auto start = log_start_.find(node);
  if (start != log_start_.end()) in.seekg(start->second);
  const std::string open = "scm " + NodeId(node) + ": datanode protocol server open (applied ";
  std::optional<uint64_t> applied;
  std::string line;
  while (std::getline(in, line)) {
    size_t at = line.find(open);
    if (at == std::string::npos) continue;
    // "(applied <term>#<index>)"
    size_t hash = line.find('#', at + open.size());
    if (hash != std::string::npos) applied = std::strtoull(line.c_str() + hash + 1, nullptr, 10);
  }
  return applied;
}

Result<uint64_t> ScmCluster::WaitForQuiescence(std::chrono::milliseconds timeout,
                                               std::chrono::milliseconds settle) {
  // The leader's commit index once every member reported it as its own; nullopt otherwise.
  auto agreed = [&]() -> std::optional<uint64_t> {
    Result<scm::GetScmInfoResponse> roles = Roles();
    if (!roles.ok()) return std::nullopt;
    std::optional<uint64_t> commit;
    for (const auto& r : roles->peerroles()) {
      if (r.role() == "LEADER") commit = r.commit();
    }
    if (!commit) return std::nullopt;
    for (const auto& r : roles->peerroles()) {
      if (r.commit() != *commit || r.match() != *commit) return std::nullopt;
    }
    return commit;
  };
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<uint64_t> previous;
  while (std::chrono::steady_clock::now() < deadline) {
    std::optional<uint64_t> now;
    if (!WaitUntil([&] { return (now = agreed()).has_value(); },
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       deadline - std::chrono::steady_clock::now()))) {
      break;
    }
    if (previous == now) return *now;
    previous = now;
    // Quiet means the index holds still over a window: look again after `settle` (a window of
    // observation, not a wait for an event).
    std::this_thread::sleep_for(settle);
  }
  return Status::Timeout("the ring did not quiesce");
}

void ScmCluster::WipeMetadata(int node, bool keep_version) {
  const std::string meta = MetaDir(node);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(meta, ec)) {
    if (keep_version && entry.path().filename() == "scm") {
      for (const auto& sub : fs::directory_iterator(entry.path(), ec)) {
        if (sub.path().filename() != "current") fs::remove_all(sub.path(), ec);
      }
      for (const auto& sub : fs::directory_iterator(entry.path() / "current", ec)) {
        if (sub.path().filename() != "VERSION") fs::remove_all(sub.path(), ec);
      }
      continue;
    }
    fs::remove_all(entry.path(), ec);
  }
}

bool ScmCluster::WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

}  // namespace ozone::integration
