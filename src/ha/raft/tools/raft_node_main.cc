// raft_node: one server of a Raft group as a process, on the engine's real parts (SegmentedLog,
// LogWriter, TcpTransport or GrpcTransport (--transport), RaftServer) with a key-value state
// machine. Used by the
// multi-process tests and by bench/raft_bench.sh; also handy to watch the engine by hand.
//
//   raft_node --id=n1 --dir=/tmp/raft/n1 --bootstrap
//             --peers=n1=127.0.0.1:24101,n2=127.0.0.1:24102,n3=127.0.0.1:24103
//
// It prints "ready" on stdout once serving. Control over HTTP on the Raft port + 100:
//   GET  /status                      JSON: role, term, leader, indexes, state digest, members
//   POST /propose            (body)   replicate a command ("put <key> <value>")
//   GET  /get?key=K                   linearizable read (ReadIndex, then local)
//   POST /transfer?target=ID          leadership transfer
//   POST /add_voter?id=ID&address=A   add a server (learner, catch up, promote)
//   POST /remove?id=ID                remove a server
//   POST /load?inflight=N&bytes=B&ms=T&label=L   benchmark load on this leader -> RESULT line
//   GET  /snapshot?index=I            the state machine snapshot through I (for followers)
// SIGTERM or SIGINT stops it cleanly.
#include <absl/synchronization/mutex.h>
#include <httplib.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "common/json/jackson_printer.h"
#include "common/logging.h"
#include "common/net/host_port.h"
#include "common/strings.h"
#include "ha/raft/log/segmented_log.h"
#include "ha/raft/server/raft_server.h"
#include "ha/raft/tools/file_kv_state_machine.h"
#include "ha/raft/tools/load_generator.h"
#include "ha/raft/transport/transport_factory.h"

namespace {

using namespace ozone;
using namespace ozone::raft;

std::string HttpAddress(const std::string& raft_address, int offset) {
  auto hp = net::ParseHostPort(raft_address, 0);
  if (!hp.ok()) return "";
  return hp->host + ":" + std::to_string(hp->port + offset);
}

json::Json StatusJson(const RaftServer& server, const FileKvStateMachine& sm) {
  RaftStatus st = server.GetStatus();
  json::Json j = json::Json::object();
  j["id"] = st.self;
  j["role"] = std::string(RoleName(st.role));
  j["term"] = st.term.value();
  j["leader"] = st.leader.value_or("");
  j["leader_ready"] = st.leader_ready;
  j["commit"] = st.commit.value();
  j["applied"] = sm.applied().value();
  j["last_index"] = st.last_index.value();
  j["digest"] = sm.Digest();
  j["keys"] = sm.size();
  json::Json members = json::Json::array();
  for (const PeerStatus& p : st.peers) {
    members.push_back(json::Json{{"id", p.peer.id},
                                 {"address", p.peer.address},
                                 {"role", p.role},
                                 {"match", p.match.value()},
                                 {"commit", p.commit.value()}});
  }
  j["members"] = members;
  return j;
}

void Reply(httplib::Response& res, const Status& s, const std::string& body = "") {
  if (s.ok()) {
    res.status = 200;
    res.set_content(body, "text/plain");
  } else {
    res.status = s.IsNotLeader() ? 421 : s.IsTimeout() ? 504 : 503;
    res.set_content(s.ToString() + "\n", "text/plain");
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's abseil checks every absl::Mutex acquisition for lock-order cycles (gRPC locks one
  // on every operation); a production process does not pay for that.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  CLI::App app("A Raft server process of the engine, with a key-value state machine.", "raft_node");
  std::string id, peers_arg, dir, cluster_id = "raft-node", group = "group-1", probe_csv;
  bool bootstrap = false;
  int tick_ms = 10, election_ticks = 30, heartbeat_ticks = 3, http_offset = 100;
  // As the libraft baseline's harness (../shared/peers/libraft): snapshot every 100000
  // entries, keep 20000 behind it.
  uint64_t snapshot_threshold = 100000, purge_gap = 20000;
  uint64_t segment_bytes = uint64_t{64} << 20;
  app.add_option("--id", id, "This server's peer id")->required();
  app.add_option("--peers", peers_arg, "id=host:port,... of every initial member")->required();
  app.add_option("--dir", dir, "Data directory (log/ and sm/ inside)")->required();
  app.add_option("--cluster-id", cluster_id, "Transport cluster id");
  app.add_option("--group", group, "Raft group id");
  app.add_flag("--bootstrap", bootstrap, "Write the initial configuration if the log is empty");
  app.add_option("--tick-ms", tick_ms, "Tick length");
  app.add_option("--election-ticks", election_ticks, "Minimum election timeout in ticks");
  app.add_option("--heartbeat-ticks", heartbeat_ticks, "Heartbeat interval in ticks");
  app.add_option("--snapshot-threshold", snapshot_threshold, "Entries between snapshots");
  app.add_option("--purge-gap", purge_gap, "Entries kept before a snapshot when purging");
  app.add_option("--http-offset", http_offset, "Control port = Raft port + this");
  app.add_option("--segment-bytes", segment_bytes, "Raft log segment size");
  app.add_option("--probe-csv", probe_csv, "Run the failover probe, appending to this CSV");
  int transport_threads = 0;
  app.add_option("--transport-threads", transport_threads,
                 "Transport threads: event loops (tcp) or completion-queue pollers (grpc); "
                 "0: the transport's default");
  std::string transport_name(TransportKindName(kDefaultTransportKind));
  app.add_option("--transport", transport_name, "Transport between the servers: tcp or grpc")
      ->check(CLI::IsMember({"tcp", "grpc"}));
  CLI11_PARSE(app, argc, argv);

  Status log_init = logging::InitForServer("raft_node", dir + "/node.log");
  if (!log_init.ok()) logging::InitForCli();

  std::vector<PeerInfo> peers;
  std::string self_address;
  for (const std::string& item : strings::SplitTrimmed(peers_arg)) {
    size_t eq = item.find('=');
    if (eq == std::string::npos) {
      std::cerr << "bad --peers item " << item << "\n";
      return 2;
    }
    peers.push_back(PeerInfo{item.substr(0, eq), item.substr(eq + 1), PeerRole::kVoter});
    if (peers.back().id == id) self_address = peers.back().address;
  }
  if (self_address.empty()) {
    std::cerr << id << " is not in --peers\n";
    return 2;
  }

  // Signals: block them in every thread; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  SegmentedLogOptions log_options;
  log_options.max_segment_size = segment_bytes;
  log_options.preallocate_size = std::min<uint64_t>(log_options.preallocate_size, segment_bytes);
  auto log = SegmentedLog::Open(dir + "/log", log_options);
  if (!log.ok()) {
    std::cerr << log.status() << "\n";
    return 1;
  }
  if (bootstrap && (*log)->LastIndex() == LogIndex(0) && (*log)->FirstIndex() == LogIndex(1)) {
    Status s = RaftServer::Bootstrap(log->get(), Configuration{peers});
    if (!s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
  }
  auto sm = FileKvStateMachine::Open(dir + "/sm", [http_offset](const PeerInfo& p) {
    return HttpAddress(p.address, http_offset);
  });
  if (!sm.ok()) {
    std::cerr << sm.status() << "\n";
    return 1;
  }

  TransportStartOptions to;
  to.listen_address = self_address;
  to.cluster_id = cluster_id;
  to.threads = transport_threads;
  auto transport = StartTransport(*ParseTransportKind(transport_name), to);
  if (!transport.ok()) {
    std::cerr << transport.status() << "\n";
    return 1;
  }
  RaftRuntimeOptions ro;
  ro.tick_interval = std::chrono::milliseconds(tick_ms);
  auto runtime = std::make_unique<RaftRuntime>(transport->transport.get(), ro);
  RaftServerOptions so;
  so.raft.election_ticks = election_ticks;
  so.raft.heartbeat_ticks = heartbeat_ticks;
  so.snapshot_threshold = snapshot_threshold;
  so.purge_gap = purge_gap;
  so.known_peers = peers;
  auto server = RaftServer::Start(runtime.get(), group, id, log->get(), sm->get(), so);
  if (!server.ok()) {
    std::cerr << server.status() << "\n";
    return 1;
  }
  RaftServer& raft = **server;
  FileKvStateMachine& kv = **sm;

  httplib::Server http;
  http.Get("/status", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(json::PrettyPrint(StatusJson(raft, kv)) + "\n", "application/json");
  });
  http.Post("/propose", [&](const httplib::Request& req, httplib::Response& res) {
    auto r = raft.Propose(req.body).get();
    Reply(res, r.status(), r.ok() ? *r : "");
  });
  http.Get("/get", [&](const httplib::Request& req, httplib::Response& res) {
    Status s = raft.ReadIndex().get();
    Reply(res, s, s.ok() ? kv.Get(req.get_param_value("key")).value_or("") : "");
  });
  http.Post("/transfer", [&](const httplib::Request& req, httplib::Response& res) {
    std::optional<PeerId> target;
    if (req.has_param("target")) target = req.get_param_value("target");
    Reply(res, raft.TransferLeadership(target).get());
  });
  http.Post("/add_voter", [&](const httplib::Request& req, httplib::Response& res) {
    PeerInfo p{req.get_param_value("id"), req.get_param_value("address"), PeerRole::kVoter};
    Reply(res, raft.AddVoter(p, std::chrono::seconds(60)));
  });
  http.Post("/remove", [&](const httplib::Request& req, httplib::Response& res) {
    Reply(res, raft.Remove(req.get_param_value("id")).get());
  });
  http.Post("/load", [&](const httplib::Request& req, httplib::Response& res) {
    LoadSpec spec;
    spec.label = req.has_param("label") ? req.get_param_value("label") : "ozone-raft";
    if (req.has_param("inflight")) spec.inflight = std::stoi(req.get_param_value("inflight"));
    if (req.has_param("bytes")) spec.entry_bytes = std::stoul(req.get_param_value("bytes"));
    if (req.has_param("ms"))
      spec.duration = std::chrono::milliseconds(std::stoi(req.get_param_value("ms")));
    spec.nodes = static_cast<int>(raft.GetStatus().configuration.VoterCount());
    auto r = RunLoad(raft, spec);
    Reply(res, r.status(), r.ok() ? *r + "\n" : "");
  });
  http.Get("/snapshot", [&](const httplib::Request& req, httplib::Response& res) {
    auto bytes = kv.SnapshotBytes(LogIndex(std::stoull(req.get_param_value("index"))));
    if (!bytes.ok()) {
      res.status = 404;
      res.set_content(bytes.status().ToString(), "text/plain");
      return;
    }
    res.set_content(*bytes, "application/octet-stream");
  });
  auto http_hp = net::ParseHostPort(HttpAddress(self_address, http_offset), 0);
  if (!http_hp.ok() || !http.bind_to_port(http_hp->host, http_hp->port)) {
    std::cerr << "cannot bind the control port " << HttpAddress(self_address, http_offset) << "\n";
    return 1;
  }
  std::thread http_thread([&] { http.listen_after_bind(); });

  std::unique_ptr<FailoverProbe> probe;
  if (!probe_csv.empty()) {
    auto hp = net::ParseHostPort(self_address, 0);
    probe = std::make_unique<FailoverProbe>(&raft, probe_csv, hp.ok() ? hp->port : 0);
  }

  std::cout << "ready" << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("raft_node {}: signal {}, stopping", id, sig);
  if (probe) probe->Stop();
  http.stop();
  http_thread.join();
  raft.Stop();
  runtime.reset();
  transport->transport->Shutdown();
  return 0;
}
