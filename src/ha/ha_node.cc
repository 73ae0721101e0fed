#include "ha/ha_node.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "common/config/ozone_keys.h"
#include "common/thread_name.h"
#include "ha/raft/transport/transport_factory.h"

namespace ozone::ha {

namespace fs = std::filesystem;

struct HaNode::Impl {
  HaNodeOptions options;
  DbStateMachine* sm = nullptr;
  HaContext* context = nullptr;
  ServiceManager* services = nullptr;

  // Destroyed in reverse order: server, runtime, transport, log.
  std::unique_ptr<raft::SegmentedLog> log;
  std::unique_ptr<raft::Transport> transport;
  std::unique_ptr<raft::RaftRuntime> runtime;
  std::unique_ptr<raft::RaftServer> server;
  // The server once Start returned it (events may come before).
  std::atomic<raft::RaftServer*> started{nullptr};

  std::mutex callbacks_mu;
  std::vector<std::function<void()>> callbacks;  // guarded by callbacks_mu

  bool leader = false;  // apply strand only (events)

  std::mutex stop_mu;
  bool stopped = false;  // guarded by stop_mu

  // An asynchronous submit: answered once, by the Raft server or by the timeout thread.
  struct AsyncSubmit {
    std::atomic<bool> answered{false};
    Replicator::SubmitCallback done;
    std::chrono::steady_clock::time_point deadline;
    void Answer(Result<std::string> r) {
      if (!answered.exchange(true, std::memory_order_acq_rel)) done(std::move(r));
    }
  };
  // Fails the asynchronous submits not applied within request_timeout with Timeout (as Submit).
  // Every submit has the same timeout, so the queue is in deadline order; answered ones leave it
  // when their deadline passes. Checked at most every kTimeoutSlack: no wake-up per submit.
  static constexpr std::chrono::milliseconds kTimeoutSlack{20};
  std::mutex timeouts_mu;
  std::condition_variable timeouts_cv;
  std::deque<std::shared_ptr<AsyncSubmit>> timeouts;  // guarded by timeouts_mu
  bool timeouts_stop = false;                         // guarded by timeouts_mu
  std::thread timeout_thread;

  void OnEvent(const raft::Event& e);
  std::string Hint(const raft::PeerId& id) const;
  void ExpireSubmits();
  void Stop();
};

void HaNode::Impl::ExpireSubmits() {
  std::unique_lock<std::mutex> l(timeouts_mu);
  while (true) {
    if (timeouts_stop) break;
    if (timeouts.empty()) {
      timeouts_cv.wait(l);
      continue;
    }
    timeouts_cv.wait_until(l, timeouts.front()->deadline + kTimeoutSlack);
    auto now = std::chrono::steady_clock::now();
    std::vector<std::shared_ptr<AsyncSubmit>> expired;
    while (!timeouts.empty() && timeouts.front()->deadline <= now) {
      if (!timeouts.front()->answered.load(std::memory_order_acquire)) {
        expired.push_back(std::move(timeouts.front()));
      }
      timeouts.pop_front();
    }
    if (expired.empty()) continue;
    l.unlock();
    for (auto& a : expired) {
      a->Answer(ozone::Status::Timeout("the request was not applied within " +
                                       std::to_string(options.request_timeout.count()) + " ms"));
    }
    l.lock();
  }
  // Stopped: the Raft server answered every submit it took (Aborted); none is left unanswered.
  std::deque<std::shared_ptr<AsyncSubmit>> left;
  left.swap(timeouts);
  l.unlock();
  for (auto& a : left) a->Answer(ozone::Status::Aborted("the Raft server stopped"));
}

std::string HaNode::Impl::Hint(const raft::PeerId& id) const {
  std::string address;
  if (raft::RaftServer* s = started.load()) {
    raft::RaftStatus st = s->GetStatus();
    if (const raft::PeerInfo* p = st.configuration.Find(id)) address = p->address;
  }
  if (address.empty()) {
    for (const raft::PeerInfo& p : options.known_peers) {
      if (p.id == id) address = p.address;
    }
  }
  return id + "[" + address + "]";
}

void HaNode::Impl::OnEvent(const raft::Event& e) {
  switch (e.type) {
    case raft::Event::Type::kRoleChanged:
    case raft::Event::Type::kLeaderChanged: {
      bool now_leader = e.role == raft::Role::kLeader;
      context->SetLeader(now_leader, e.term);
      context->SetLeaderHint(e.leader ? std::optional<std::string>(Hint(*e.leader)) : std::nullopt);
      bool became = now_leader && !leader;
      leader = now_leader;
      if (became) {
        spdlog::info("ha {}: became the leader of {} (term {})", options.self_id, options.group_id,
                     e.term.value());
        std::vector<std::function<void()>> cbs;
        {
          std::lock_guard<std::mutex> l(callbacks_mu);
          cbs = callbacks;
        }
        for (const auto& cb : cbs) cb();
      }
      services->NotifyStatusChanged();
      break;
    }
    case raft::Event::Type::kLeaderReady:
      if (e.role == raft::Role::kLeader) {
        context->SetLeaderReady();
        spdlog::info("ha {}: leader ready (term {})", options.self_id, e.term.value());
        services->NotifyStatusChanged();
      }
      break;
    case raft::Event::Type::kConfigurationChanged:
      // Ozone's notifyTermIndexUpdated on a ring change (seed 002): services re-evaluate.
      services->NotifyStatusChanged();
      break;
    default:
      break;
  }
}

void HaNode::Impl::Stop() {
  {
    std::lock_guard<std::mutex> l(stop_mu);
    if (stopped) return;
    stopped = true;
  }
  if (server) server->Stop();  // no event is delivered after this
  {
    std::lock_guard<std::mutex> l(timeouts_mu);
    timeouts_stop = true;
  }
  timeouts_cv.notify_all();
  if (timeout_thread.joinable()) timeout_thread.join();
  sm->SetEventListener(nullptr);
  if (transport) transport->Shutdown();
  context->SetLeader(false, context->term());
  services->NotifyStatusChanged();
}

// ------------------------------------------------------------------------------------------------

ozone::Status HaNode::Bootstrap(const std::string& log_dir, const raft::Configuration& initial) {
  OZ_ASSIGN_OR_RETURN(std::unique_ptr<raft::SegmentedLog> log, raft::SegmentedLog::Open(log_dir));
  return raft::RaftServer::Bootstrap(log.get(), initial);
}

Result<std::optional<raft::TransportKind>> HaNode::TransportFromConfig(
    const config::Configuration& conf) {
  std::optional<std::string> value = conf.Get(config::keys::kHaRaftTransport);
  if (!value || value->empty()) return std::optional<raft::TransportKind>();
  OZ_ASSIGN_OR_RETURN(raft::TransportKind kind, raft::ParseTransportKind(*value));
  return std::optional<raft::TransportKind>(kind);
}

Result<bool> HaNode::HasRing(const std::string& log_dir) {
  std::error_code ec;
  if (!fs::exists(log_dir, ec) || fs::is_empty(log_dir, ec)) return false;
  OZ_ASSIGN_OR_RETURN(std::unique_ptr<raft::SegmentedLog> log, raft::SegmentedLog::Open(log_dir));
  OZ_ASSIGN_OR_RETURN(raft::StoredState state, log->LoadState());
  return !state.snapshot.config.empty() || !state.config_entries.empty();
}

Result<std::unique_ptr<HaNode>> HaNode::Start(HaNodeOptions options, DbStateMachine* state_machine,
                                              HaContext* context, ServiceManager* services) {
  std::unique_ptr<HaNode> node(new HaNode());
  node->impl_ = std::make_unique<Impl>();
  Impl& impl = *node->impl_;
  impl.options = std::move(options);
  impl.sm = state_machine;
  impl.context = context;
  impl.services = services;
  const HaNodeOptions& o = impl.options;

  OZ_ASSIGN_OR_RETURN(impl.log, raft::SegmentedLog::Open(o.log_dir, o.log));
  raft::TransportStartOptions t;
  t.listen_address = o.ratis_listen_address;
  t.cluster_id = o.cluster_id;
  t.tls_ca_pem = o.tls_ca_pem;
  t.tls_cert_pem = o.tls_cert_pem;
  t.tls_key_pem = o.tls_key_pem;
  const bool tls = o.tls_ca_pem || o.tls_cert_pem || o.tls_key_pem;
  const raft::TransportKind kind =
      o.transport.value_or(tls ? raft::TransportKind::kGrpc : raft::kDefaultTransportKind);
  OZ_ASSIGN_OR_RETURN(raft::StartedTransport started, raft::StartTransport(kind, t));
  impl.transport = std::move(started.transport);
  impl.runtime = std::make_unique<raft::RaftRuntime>(impl.transport.get(), o.runtime);

  raft::RaftServerOptions server_options = o.server;
  for (const raft::PeerInfo& p : o.known_peers) {
    bool known = false;
    for (const raft::PeerInfo& q : server_options.known_peers) known |= q.id == p.id;
    if (!known) server_options.known_peers.push_back(p);
  }
  context->SetLeader(false, context->term());
  Impl* raw = &impl;
  state_machine->SetEventListener([raw](const raft::Event& e) { raw->OnEvent(e); });
  Result<std::unique_ptr<raft::RaftServer>> server =
      raft::RaftServer::Start(impl.runtime.get(), o.group_id, o.self_id, impl.log.get(),
                              state_machine, std::move(server_options));
  if (!server.ok()) {
    state_machine->SetEventListener(nullptr);
    impl.transport->Shutdown();
    return server.status().WithContext("starting the Raft server of " + o.self_id);
  }
  impl.server = std::move(server).value();
  impl.started.store(impl.server.get());
  impl.timeout_thread = std::thread([raw] {
    NameThisThread("ha-timeouts");
    raw->ExpireSubmits();
  });
  spdlog::info("ha {}: started in group {} on {} ({} transport)", o.self_id, o.group_id,
               o.ratis_listen_address, raft::TransportKindName(kind));
  return node;
}

HaNode::~HaNode() {
  if (!impl_) return;
  impl_->Stop();
  impl_->server.reset();
  impl_->runtime.reset();
  impl_->transport.reset();
  impl_->log.reset();
}

Result<std::string> HaNode::Submit(std::string request) {
  std::future<Result<std::string>> f = impl_->server->Propose(std::move(request));
  if (f.wait_for(impl_->options.request_timeout) != std::future_status::ready) {
    return ozone::Status::Timeout("the request was not applied within " +
                                  std::to_string(impl_->options.request_timeout.count()) + " ms");
  }
  return f.get();
}

void HaNode::SubmitAsync(std::string request, SubmitCallback done) {
  auto a = std::make_shared<Impl::AsyncSubmit>();
  a->done = std::move(done);
  a->deadline = std::chrono::steady_clock::now() + impl_->options.request_timeout;
  bool notify = false;
  {
    std::lock_guard<std::mutex> l(impl_->timeouts_mu);
    if (!impl_->timeouts_stop) {
      notify = impl_->timeouts.empty();
      impl_->timeouts.push_back(a);
    }
  }
  if (notify) impl_->timeouts_cv.notify_one();
  impl_->server->ProposeAsync(std::move(request),
                              [a](Result<std::string> r) { a->Answer(std::move(r)); });
}

void HaNode::OnBecameLeader(std::function<void()> callback) {
  std::lock_guard<std::mutex> l(impl_->callbacks_mu);
  impl_->callbacks.push_back(std::move(callback));
}

std::vector<raft::PeerStatus> HaNode::Roles() const { return impl_->server->Roles(); }

raft::RaftStatus HaNode::Status() const { return impl_->server->GetStatus(); }

std::optional<raft::PeerInfo> HaNode::Leader() const { return impl_->server->LeaderInfo(); }

bool HaNode::IsLeaderReady() const { return impl_->server->IsLeaderReady(); }

ozone::Status HaNode::ReadBarrier() {
  std::future<ozone::Status> f = impl_->server->ReadIndex();
  if (f.wait_for(impl_->options.request_timeout) != std::future_status::ready) {
    return ozone::Status::Timeout("the read barrier did not complete within " +
                                  std::to_string(impl_->options.request_timeout.count()) + " ms");
  }
  return f.get();
}

void HaNode::RequestSnapshot() { impl_->server->RequestSnapshot(); }

ozone::Status HaNode::TransferLeadership(std::optional<raft::PeerId> target) {
  return impl_->server->TransferLeadership(std::move(target)).get();
}

ozone::Status HaNode::AddPeer(const raft::PeerInfo& peer, std::chrono::milliseconds timeout) {
  return impl_->server->AddVoter(peer, timeout);
}

ozone::Status HaNode::AddLearner(const raft::PeerInfo& peer) {
  raft::PeerInfo learner = peer;
  learner.role = raft::PeerRole::kLearner;
  ozone::Status s = impl_->server->AddLearner(learner).get();
  return s.IsAlreadyExists() ? ozone::Status::OK() : s;
}

Result<std::vector<raft::PeerId>> HaNode::PromoteCaughtUpLearners(
    const std::function<bool(const raft::PeerId&)>& keep) {
  std::vector<raft::PeerId> promoted;
  raft::RaftStatus st = impl_->server->GetStatus();
  if (st.role != raft::Role::kLeader) return ozone::Status::NotLeader("not the leader");
  for (const raft::PeerInfo& p : st.configuration.peers) {
    if (p.role != raft::PeerRole::kLearner) continue;
    if (keep && keep(p.id)) continue;
    ozone::Status s = impl_->server->Promote(p.id).get();
    if (s.ok()) {
      spdlog::info("ha {}: promoted learner {} ({}) to voter", impl_->options.self_id, p.id,
                   p.address);
      promoted.push_back(p.id);
    } else if (s.code() != ozone::Status::Code::kFailedPrecondition && !s.IsAlreadyExists()) {
      return s;  // not caught up yet: FailedPrecondition, left for the next call
    }
  }
  return promoted;
}

ozone::Status HaNode::RemovePeer(const raft::PeerId& peer) {
  std::optional<raft::PeerInfo> leader = impl_->server->LeaderInfo();
  if (leader && leader->id == peer) {
    return ozone::Status::FailedPrecondition("Cannot remove current leader.");
  }
  return impl_->server->Remove(peer).get();
}

void HaNode::Stop() { impl_->Stop(); }

}  // namespace ozone::ha
