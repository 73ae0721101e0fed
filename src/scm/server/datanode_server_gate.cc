#include "scm/server/datanode_server_gate.h"

#include <spdlog/spdlog.h>

#include "common/thread_name.h"

namespace ozone::scm {

DatanodeServerGate::DatanodeServerGate(DatanodeServerGateOptions options)
    : options_(std::move(options)) {}

DatanodeServerGate::~DatanodeServerGate() { Stop(); }

void DatanodeServerGate::Start() {
  std::lock_guard<std::mutex> l(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    NameThisThread("scm-dn-gate");
    Loop();
  });
}

void DatanodeServerGate::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool DatanodeServerGate::is_open() const {
  std::lock_guard<std::mutex> l(mu_);
  return open_;
}

std::optional<uint64_t> DatanodeServerGate::target() const {
  std::lock_guard<std::mutex> l(mu_);
  return target_;
}

void DatanodeServerGate::Loop() {
  std::optional<uint64_t> target;
  bool logged_wait = false;
  while (true) {
    {
      std::unique_lock<std::mutex> l(mu_);
      if (stopping_) return;
    }
    bool ready = false;
    if (options_.is_leader_ready()) {
      ready = true;
    } else if (options_.other_leader_known()) {
      if (!target) {
        Result<uint64_t> commit = options_.leader_commit();
        if (commit.ok()) {
          target = *commit;
          std::lock_guard<std::mutex> l(mu_);
          target_ = target;
        }
      }
      if (target) {
        uint64_t applied = options_.applied();
        ready = applied >= *target;
        if (!ready && !logged_wait) {
          spdlog::info(
              "scm: catching up with the leader (applied {}, leader committed {}) before "
              "opening the datanode protocol server",
              applied, *target);
          logged_wait = true;
        }
      }
    }
    if (ready) {
      Status s = options_.open();
      if (s.ok()) {
        {
          std::lock_guard<std::mutex> l(mu_);
          open_ = true;
        }
        if (options_.on_open) options_.on_open();
        return;
      }
      spdlog::warn("scm: cannot open the datanode protocol server yet: {}", s.ToString());
    }
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, options_.interval, [this] { return stopping_; });
  }
}

}  // namespace ozone::scm
