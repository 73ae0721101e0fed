#include "tests/integration/om_cluster.h"

#include <grpcpp/grpcpp.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "common/config/config_loader.h"
#include "om.grpc.pb.h"
#include "rpc/leader_hint.h"

namespace ozone::integration {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

om::OMRequest NewRequest(om::Type type, uint64_t call) {
  om::OMRequest r;
  r.set_cmdtype(type);
  r.set_clientid("om-it");
  if (call != 0) r.set_callid(call);
  return r;
}

}  // namespace

om::OMRequest CreateVolumeRequest(const std::string& volume, uint64_t call) {
  om::OMRequest r = NewRequest(om::CreateVolume, call);
  om::VolumeInfo* v = r.mutable_createvolumerequest()->mutable_volumeinfo();
  v->set_volume(volume);
  v->set_ownername("hadoop");
  v->set_adminname("hadoop");
  return r;
}

om::OMRequest InfoVolumeRequest(const std::string& volume) {
  om::OMRequest r = NewRequest(om::InfoVolume, 0);
  r.mutable_infovolumerequest()->set_volumename(volume);
  return r;
}

om::OMRequest CreateBucketRequest(const std::string& volume, const std::string& bucket) {
  om::OMRequest r = NewRequest(om::CreateBucket, 0);
  om::BucketInfo* b = r.mutable_createbucketrequest()->mutable_bucketinfo();
  b->set_volumename(volume);
  b->set_bucketname(bucket);
  b->set_isversionenabled(false);
  b->set_storagetype(om::DISK);
  return r;
}

om::OMRequest CreateKeyRequest(const std::string& volume, const std::string& bucket,
                               const std::string& key) {
  om::OMRequest r = NewRequest(om::CreateKey, 0);
  om::KeyArgs* a = r.mutable_createkeyrequest()->mutable_keyargs();
  a->set_volumename(volume);
  a->set_bucketname(bucket);
  a->set_keyname(key);
  a->set_datasize(0);
  return r;
}

OmCluster::OmCluster(OmClusterOptions options) : options_(std::move(options)) {
  scm_ = std::make_unique<ScmCluster>(options_.scm);
  // The SCM cluster holds a block of 100 ports from base + 10; SCM nodes use base + 10..54.
  base_port_ = scm_->RatisPort(1) - 10;
  configured_ = options_.nodes;
  for (int i = 1; i <= options_.nodes + options_.spare_nodes; ++i) WriteConfig(i, options_.nodes);
}

OmCluster::~OmCluster() {
  servers_.clear();  // SIGKILL whatever still runs
  scm_.reset();
}

std::string OmCluster::ConfDir(int node) const { return tmp_.Sub(NodeId(node) + "/conf"); }
std::string OmCluster::MetaDir(int node) const { return tmp_.Sub(NodeId(node) + "/data/metadata"); }
std::string OmCluster::LogFile(int node) const {
  return tmp_.Sub(NodeId(node) + "/data/logs/ozone-om-" + NodeId(node) + ".log");
}

std::string OmCluster::OzoneBinary() const {
  const char* dir = std::getenv("OZONE_TEST_BIN_DIR");
  std::string root = dir && *dir ? dir : testutil::TestBinaryDir() + "/../..";
  return root + "/src/tools/ozone";
}

void OmCluster::SetNodeKey(int node, const std::string& key, const std::string& value) {
  node_keys_[node][key] = value;
  WriteConfig(node, ring_written_.count(node) ? ring_written_[node] : options_.nodes);
}

void OmCluster::WriteConfig(int node, int nodes_in_ring) {
  ring_written_[node] = nodes_in_ring;
  fs::create_directories(ConfDir(node));
  std::map<std::string, std::string> keys = {
      {"ozone.metadata.dirs", MetaDir(node)},
      {"ozone.om.node.id", NodeId(node)},
      {"ozone.om.service.ids", kServiceId},
      // SCM clients: fast failover.
      {"ozone.scm.service.ids", "cluster1"},
      {"hdds.scmclient.failover.retry.interval", "100ms"},
      {"hdds.scmclient.failover.max.retry", "50"},
      {"hdds.scmclient.rpc.timeout", "20s"},
      // Fast elections and short service intervals for tests.
      {"ozone.om.ratis.minimum.timeout", "1s"},
      {"ozone.om.ratis.server.request.timeout", "20s"},
      {"ozone.om.lifecycle.service.interval", "500ms"},
      {"ozone.block.deleting.service.interval", "1s"},
      {"ozone.client.failover.max.attempts", "50"},
  };
  std::string scm_nodes;
  for (int i = 1; i <= scm_->size(); ++i) {
    scm_nodes += (i > 1 ? "," : "") + scm_->NodeId(i);
    const std::string sfx = ".cluster1." + scm_->NodeId(i);
    keys["ozone.scm.address" + sfx] = "127.0.0.1";
    keys["ozone.scm.ratis.port" + sfx] = std::to_string(scm_->RatisPort(i));
    keys["ozone.scm.client.port" + sfx] = std::to_string(scm_->ClientPort(i));
    keys["ozone.scm.block.client.port" + sfx] = std::to_string(scm_->BlockPort(i));
    keys["ozone.scm.datanode.port" + sfx] = std::to_string(scm_->DatanodePort(i));
  }
  keys["ozone.scm.nodes.cluster1"] = scm_nodes;
  std::string nodes;
  for (int i = 1; i <= nodes_in_ring; ++i) {
    nodes += (i > 1 ? "," : "") + NodeId(i);
    const std::string sfx = std::string(".") + kServiceId + "." + NodeId(i);
    keys["ozone.om.address" + sfx] = RpcAddress(i);
    keys["ozone.om.ratis.port" + sfx] = std::to_string(RatisPort(i));
  }
  if (node > nodes_in_ring) {
    // A spare node knows itself (so that it can run) before the others know it.
    const std::string sfx = std::string(".") + kServiceId + "." + NodeId(node);
    nodes += "," + NodeId(node);
    keys["ozone.om.address" + sfx] = RpcAddress(node);
    keys["ozone.om.ratis.port" + sfx] = std::to_string(RatisPort(node));
  }
  keys[std::string("ozone.om.nodes.") + kServiceId] = nodes;
  for (const auto& [k, v] : options_.keys) keys[k] = v;
  for (const auto& [k, v] : node_keys_[node]) keys[k] = v;
  std::ofstream out(ConfDir(node) + "/ozone-site.xml");
  out << "<?xml version=\"1.0\"?>\n<configuration>\n";
  for (const auto& [k, v] : keys) {
    out << "  <property><name>" << k << "</name><value>" << v << "</value></property>\n";
  }
  out << "</configuration>\n";
}

void OmCluster::Reconfigure(int nodes) {
  configured_ = nodes;
  for (int i = 1; i <= std::max(nodes, options_.nodes + options_.spare_nodes); ++i) {
    WriteConfig(i, nodes);
  }
}

Status OmCluster::StartScmRing(int datanodes) {
  OZ_RETURN_IF_ERROR(scm_->InitAndStartAll());
  if (datanodes > 0) scm_->StartDatanodes(datanodes);
  return scm_->WaitForLeader().status();
}

Result<testutil::Subprocess> OmCluster::StartOzone(int node, const std::vector<std::string>& args,
                                                   std::string* err_file) {
  *err_file = tmp_.Sub("cli-" + std::to_string(++call_counter_) + ".err");
  return StartOzoneCli(OzoneBinary(), ConfDir(node), args, *err_file);
}

CliResult OmCluster::Ozone(int node, const std::vector<std::string>& args,
                           std::chrono::milliseconds timeout) {
  return RunOzoneCli(OzoneBinary(), ConfDir(node), args,
                     tmp_.Sub("cli-" + std::to_string(++call_counter_) + ".err"), timeout);
}

Status OmCluster::InitAndStartAll() {
  for (int i = 1; i <= configured_; ++i) {
    CliResult init = Ozone(i, {"om", "--init"});
    if (init.code != 0) return Status::Internal(NodeId(i) + " init failed: " + init.err);
  }
  for (int i = 1; i <= configured_; ++i) OZ_RETURN_IF_ERROR(StartOm(i));
  return Status::OK();
}

Status OmCluster::StartOm(int node, bool bootstrap, bool force) {
  std::vector<std::string> flags;
  if (bootstrap) flags.push_back("--bootstrap");
  if (force) flags.push_back("--force");
  return StartOmWith(node, flags);
}

Status OmCluster::StartOmWith(int node, const std::vector<std::string>& flags) {
  fs::create_directories(tmp_.Sub(NodeId(node)));
  std::string err_file = tmp_.Sub(NodeId(node) + "/stderr.log");
  std::vector<std::string> argv = {
      "/bin/sh",     "-c", "exec \"$0\" \"$@\" 2>>\"" + err_file + "\"", OzoneBinary(), "--config",
      ConfDir(node), "om"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  OZ_ASSIGN_OR_RETURN(testutil::Subprocess p, testutil::Subprocess::Start(argv));
  auto proc = std::make_unique<testutil::Subprocess>(std::move(p));
  const std::string started = "OM " + NodeId(node) + " started";
  while (true) {
    std::optional<std::string> line = proc->ReadLine(120s);
    if (!line) break;
    if (line->rfind(started, 0) == 0) {
      servers_[node] = std::move(proc);
      return Status::OK();
    }
  }
  std::optional<int> status = proc->Wait(5s);
  return Status::Unavailable(NodeId(node) + " did not start (exit " +
                             (status ? std::to_string(WEXITSTATUS(*status)) : "?") +
                             "): " + ReadFile(err_file).substr(0, 2000));
}

void OmCluster::KillOm(int node) {
  auto it = servers_.find(node);
  if (it == servers_.end()) return;
  it->second->Kill();
  servers_.erase(it);
}

std::optional<int> OmCluster::StopOm(int node, std::chrono::milliseconds timeout) {
  auto it = servers_.find(node);
  if (it == servers_.end()) return std::nullopt;
  it->second->Signal(SIGTERM);
  std::optional<int> status = it->second->Wait(timeout);
  servers_.erase(it);
  return status;
}

void OmCluster::WipeMetadata(int node, bool keep_version) {
  std::error_code ec;
  fs::remove_all(DbPath(node), ec);
  fs::remove_all(MetaDir(node) + "/om.ratis", ec);
  fs::remove_all(MetaDir(node) + "/om.ratis.snapshot", ec);
  if (!keep_version) fs::remove_all(MetaDir(node) + "/om", ec);
}

OmCall OmCluster::Call(int node, const om::OMRequest& request, std::chrono::milliseconds timeout) {
  OmCall c;
  auto channel = grpc::CreateChannel(RpcAddress(node), grpc::InsecureChannelCredentials());
  auto stub = om::OzoneManagerService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + timeout);
  grpc::Status s = stub->Submit(&ctx, request, &c.response);
  c.rpc_ok = s.ok();
  c.grpc_code = static_cast<int>(s.error_code());
  c.grpc_message = s.error_message();
  for (const auto& [k, v] : ctx.GetServerTrailingMetadata()) {
    if (std::string(k.data(), k.size()) == rpc::kLeaderAddressKey) {
      c.leader_hint = std::string(v.data(), v.size());
    }
  }
  return c;
}

Result<om::OMResponse> OmCluster::Submit(const om::OMRequest& request,
                                         std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last = "no OM running";
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& [node, proc] : servers_) {
      OmCall c = Call(node, request, 10s);
      if (c.rpc_ok) return c.response;
      last = NodeId(node) + ": " + c.grpc_message;
    }
    ScmCluster::WaitUntil([] { return false; }, 50ms);  // the next round after a short pause
  }
  return Status::Timeout("no OM leader answered: " + last);
}

Result<int> OmCluster::WaitForLeader(std::chrono::milliseconds timeout) {
  int leader = 0;
  std::string last;
  bool ok = ScmCluster::WaitUntil(
      [&] {
        for (const auto& [node, proc] : servers_) {
          om::OMRequest req = NewRequest(om::ServiceList, 0);
          req.mutable_servicelistrequest();
          OmCall c = Call(node, req, 5s);
          if (!c.rpc_ok) {
            last = c.grpc_message;
            continue;
          }
          size_t members = 0;
          for (const auto& info : c.response.servicelistresponse().serviceinfo()) {
            if (servers_.count(std::stoi(info.omrole().nodeid().substr(2))) > 0) ++members;
          }
          if (members < servers_.size()) continue;
          leader = node;
          return true;
        }
        return false;
      },
      timeout);
  if (!ok) return Status::Timeout("no ready OM leader: " + last);
  return leader;
}

Result<std::unique_ptr<client::OmClient>> OmCluster::NewClient(int node) {
  config::ConfigSources sources;
  sources.config_dir = ConfDir(node);
  OZ_ASSIGN_OR_RETURN(config::Configuration conf, config::LoadConfiguration(sources));
  client::OmClientOptions o;
  o.service_id = kServiceId;
  rpc::FailoverOptions f;
  f.max_failovers = 500;
  f.retry_interval = 200ms;
  f.rpc_timeout = 20s;
  o.failover = f;
  o.user_name = "hadoop";
  return client::OmClient::Create(conf, o);
}

Result<std::string> OmCluster::Scan(int node, const std::string& column_family) {
  CliResult r = Ozone(node, {"debug", "ldb", "--db=" + DbPath(node), "scan",
                             "--column_family=" + column_family, "--with-keys"});
  if (r.code != 0) return Status::Internal("ldb scan failed: " + r.err);
  return r.out;
}

std::vector<std::string> OmCluster::LogLines(int node, const std::string& text) const {
  return FileLinesContaining(LogFile(node), text);
}

bool OmCluster::WaitForLogLine(int node, const std::string& text,
                               std::chrono::milliseconds timeout) const {
  return ScmCluster::WaitUntil([&] { return !LogLines(node, text).empty(); }, timeout);
}

om::VolumeInfo HadoopVolume(const std::string& volume) {
  om::VolumeInfo v;
  v.set_volume(volume);
  v.set_ownername("hadoop");
  v.set_adminname("hadoop");
  return v;
}

Status CreateVolumeAndBucket(client::OmClient& om, const std::string& volume,
                             const std::string& bucket) {
  OZ_RETURN_IF_ERROR(om.CreateVolume(HadoopVolume(volume)));
  om::BucketInfo b;
  b.set_volumename(volume);
  b.set_bucketname(bucket);
  b.set_isversionenabled(false);
  b.set_storagetype(om::DISK);
  return om.CreateBucket(b);
}

Status CreateEmptyKey(client::OmClient& om, const std::string& volume, const std::string& bucket,
                      const std::string& key) {
  om::KeyArgs args;
  args.set_volumename(volume);
  args.set_bucketname(bucket);
  args.set_keyname(key);
  args.set_datasize(0);
  args.set_ownername("hadoop");
  Result<om::CreateKeyResponse> session = om.OpenKey(args);
  if (!session.ok()) return session.status();
  return om.CommitKey(args, session->id());
}

Result<std::map<std::string, int>> ListAllKeys(client::OmClient& om, const std::string& volume,
                                               const std::string& bucket) {
  std::map<std::string, int> listed;
  om::ListKeysRequest list;
  list.set_volumename(volume);
  list.set_bucketname(bucket);
  list.set_count(1000);
  while (true) {
    OZ_ASSIGN_OR_RETURN(auto page, om.ListKeys(list));
    for (const auto& k : page.keyinfo()) ++listed[k.keyname()];
    if (!page.istruncated() || page.keyinfo().empty()) break;
    list.set_startkey(page.keyinfo().rbegin()->keyname());
  }
  return listed;
}

std::vector<std::string> WithRole(const std::string& roles, const std::string& role) {
  std::vector<std::string> out;
  std::regex line("^(om[0-9]+) : (LEADER|FOLLOWER|LISTENER) \\(127\\.0\\.0\\.1\\)$");
  std::istringstream in(roles);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_match(l, m, line) && m[2] == role) out.push_back(m[1]);
  }
  return out;
}

}  // namespace ozone::integration
