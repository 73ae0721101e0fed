// ozone_dn_sim: simulated datanodes (SimulatedDatanode) in one process, registered with and
// heartbeating to every SCM of the configuration, until SIGTERM or SIGINT.
//
//   ozone_dn_sim --config DIR [--count 3] [--prefix dn] [--heartbeat-interval-ms 500]
//                [--set key=value ...]
//
// Prints "dn <uuid> <hostname>" per datanode, then "READY" once every datanode is registered
// with every SCM (or after --ready-timeout-ms, with "READY partial").
#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <thread>

#include "common/config/config_loader.h"
#include "common/logging.h"
#include "common/topology/ha_nodes.h"
#include "tests/datanode_sim/simulated_datanode.h"

namespace {

// A stable UUID for a simulated datanode's name, so that a restarted simulator is the same
// datanode to SCM.
std::string NameUuid(const std::string& name) {
  uint64_t a = std::hash<std::string>{}(name + "#a");
  uint64_t b = std::hash<std::string>{}(name + "#b");
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>((b >> 48) & 0xfff),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_dir;
  int count = 3;
  std::string prefix = "dn";
  int heartbeat_ms = 500;
  int ready_timeout_ms = 60'000;
  std::vector<std::string> overrides;
  CLI::App app("Simulated Ozone datanodes for testing SCM", "ozone_dn_sim");
  app.add_option("--config", config_dir, "Ozone configuration directory")->required();
  app.add_option("--count", count, "Datanodes in this process");
  app.add_option("--prefix", prefix, "Host name prefix (and identity) of the datanodes");
  app.add_option("--heartbeat-interval-ms", heartbeat_ms, "Heartbeat interval");
  app.add_option("--ready-timeout-ms", ready_timeout_ms, "Longest wait before READY");
  app.add_option("--set", overrides, "key=value configuration overrides");
  CLI11_PARSE(app, argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ozone::logging::InitForServer("dn-sim", "").IgnoreError();

  auto conf = ozone::config::LoadConfiguration({config_dir, overrides, ""});
  if (!conf.ok()) {
    std::cerr << conf.status().message() << "\n";
    return 255;
  }
  auto scms = ozone::topology::AllScmNodes(*conf);
  if (!scms.ok()) {
    std::cerr << scms.status().message() << "\n";
    return 255;
  }
  std::vector<std::string> addresses;
  for (const auto& s : *scms) addresses.push_back(s.datanode_address.ToString());

  std::vector<std::unique_ptr<ozone::dnsim::SimulatedDatanode>> dns;
  for (int i = 1; i <= count; ++i) {
    ozone::dnsim::SimulatedDatanodeOptions o;
    o.hostname = prefix + std::to_string(i);
    o.uuid = NameUuid(o.hostname);
    o.scm_addresses = addresses;
    o.heartbeat_interval = std::chrono::milliseconds(heartbeat_ms);
    dns.push_back(std::make_unique<ozone::dnsim::SimulatedDatanode>(o));
    std::cout << "dn " << o.uuid << " " << o.hostname << std::endl;
  }
  for (auto& d : dns) d->Start();

  std::thread ready([&] {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ready_timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      bool all = true;
      for (auto& d : dns) all &= d->registered_endpoints() == addresses.size();
      if (all) {
        std::cout << "READY" << std::endl;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::cout << "READY partial" << std::endl;
  });
  int sig = 0;
  sigwait(&signals, &sig);
  ready.join();
  for (auto& d : dns) d->Stop();
  return 0;
}
