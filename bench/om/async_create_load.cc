#include "async_create_load.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "om.grpc.pb.h"
#include "rpc/call_stream.h"
#include "rpc/framed_client.h"

namespace ozone::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// One create in flight: its OpenKey, then its CommitKey, on one connection.
struct Create {
  int id = 0;
  uint64_t n = 0;
  om::OzoneManagerService::Stub* stub = nullptr;
  bool committing = false;
  om::KeyArgs args;
  om::OMRequest request;
  om::OMResponse response;
  grpc::Status status;
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientAsyncResponseReader<om::OMResponse>> call;
  Clock::time_point started, opened;
};

// The create's OpenKey request (its next key).
void PrepareOpen(const AsyncCreateOptions& o, Create* c) {
  c->committing = false;
  c->args = o.key_args(c->id, c->n);
  c->request.Clear();
  c->request.set_cmdtype(om::CreateKey);
  *c->request.mutable_createkeyrequest()->mutable_keyargs() = c->args;
  c->started = Clock::now();
}

// The create's CommitKey request, once its OpenKey answered (c->response).
void PrepareCommit(Create* c) {
  c->opened = Clock::now();
  const uint64_t session = c->response.createkeyresponse().id();
  c->committing = true;
  c->request.Clear();
  c->request.set_cmdtype(om::CommitKey);
  *c->request.mutable_commitkeyrequest()->mutable_keyargs() = c->args;
  c->request.mutable_commitkeyrequest()->set_clientid(session);
}

// What OmClient stamps on every request: this load's client id, a new call id, the user.
void Stamp(const AsyncCreateOptions& o, std::atomic<uint64_t>* call_ids, om::OMRequest* request) {
  request->set_clientid(o.client_id);
  request->set_callid(call_ids->fetch_add(1, std::memory_order_relaxed));
  request->mutable_userinfo()->set_username(o.user_name);
}

class Driver {
 public:
  Driver(const AsyncCreateOptions& o, std::atomic<uint64_t>* call_ids, CreateLoadResult* out)
      : o_(o), call_ids_(call_ids), out_(out) {}

  void Run(const std::vector<om::OzoneManagerService::Stub*>& stubs, int first, int step) {
    std::vector<std::unique_ptr<Create>> creates;
    for (int id = first; id < o_.outstanding; id += step) {
      auto c = std::make_unique<Create>();
      c->id = id;
      c->stub = stubs[static_cast<size_t>(id) % stubs.size()];
      creates.push_back(std::move(c));
    }
    int in_flight = 0;
    for (auto& c : creates) {
      StartOpen(c.get());
      ++in_flight;
    }
    void* tag = nullptr;
    bool ok = false;
    while (in_flight > 0 && cq_.Next(&tag, &ok)) {
      auto* c = static_cast<Create*>(tag);
      if (!Done(c, ok)) continue;  // its commit is in flight
      if (Clock::now() < o_.end) {
        ++c->n;
        StartOpen(c);
      } else {
        --in_flight;
      }
    }
    cq_.Shutdown();
    while (cq_.Next(&tag, &ok)) {
    }
  }

 private:
  void Send(Create* c) {
    Stamp(o_, call_ids_, &c->request);
    c->context = std::make_unique<grpc::ClientContext>();
    c->call = c->stub->PrepareAsyncSubmit(c->context.get(), c->request, &cq_);
    c->call->StartCall();
    c->call->Finish(&c->response, &c->status, c);
  }

  void StartOpen(Create* c) {
    PrepareOpen(o_, c);
    Send(c);
  }

  // Handles a finished call; true when the create is over (committed or failed).
  bool Done(Create* c, bool ok) {
    if (!ok || !c->status.ok() || c->response.status() != om::OK) {
      Fail(c);
      return true;
    }
    ++out_->writes;
    if (!c->committing) {
      PrepareCommit(c);
      Send(c);
      return false;
    }
    const auto now = Clock::now();
    if (now >= o_.start && now <= o_.end) {
      out_->create_ms.push_back(Ms(now - c->started));
      out_->open_ms.push_back(Ms(c->opened - c->started));
    }
    return true;
  }

  void Fail(Create* c) {
    ++out_->errors;
    if (!out_->first_error.empty()) return;
    out_->first_error = !c->status.ok() ? c->status.error_message()
                                        : om::Status_Name(c->response.status()) + " " +
                                              c->response.message();
  }

  const AsyncCreateOptions& o_;
  std::atomic<uint64_t>* call_ids_;
  CreateLoadResult* out_;
  grpc::CompletionQueue cq_;
};

// The creates over call streams: each reply's callback sends the create's next call.
class StreamedDriver {
  using Sender = std::function<void(std::string request, rpc::CallStream::Done done)>;

 public:
  explicit StreamedDriver(const AsyncCreateOptions& o) : o_(o) {}

  CreateLoadResult Run() {
    for (int i = 0; i < std::max(1, o_.channels); ++i) {
      if (o_.framed) {
        auto f = std::make_unique<rpc::FramedCallClient>(o_.address, o_.address);
        senders_.push_back([f = f.get()](std::string r, rpc::CallStream::Done done) {
          f->CallAsync(std::move(r), std::move(done));
        });
        framed_.push_back(std::move(f));
        continue;
      }
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // one TCP connection per channel
      args.SetInt("ozone.bench.channel", i);
      args.SetMaxReceiveMessageSize(64 << 20);
      auto channel =
          grpc::CreateCustomChannel(o_.address, grpc::InsecureChannelCredentials(), args);
      channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
      streams_.push_back(std::make_unique<rpc::CallStream>(
          channel, "/ozone.om.OzoneManagerService/SubmitStream", o_.address));
      senders_.push_back([s = streams_.back().get()](std::string r, rpc::CallStream::Done done) {
        s->CallAsync(std::move(r), std::move(done));
      });
    }
    std::vector<std::unique_ptr<Create>> creates;
    for (int id = 0; id < o_.outstanding; ++id) {
      auto c = std::make_unique<Create>();
      c->id = id;
      creates.push_back(std::move(c));
    }
    in_flight_ = o_.outstanding;
    for (auto& c : creates) StartOpen(c.get());
    std::unique_lock<std::mutex> l(mu_);
    all_done_.wait(l, [&] { return in_flight_ == 0; });
    l.unlock();
    senders_.clear();
    streams_.clear();
    framed_.clear();
    return std::move(out_);
  }

 private:
  const Sender& SenderOf(const Create* c) {
    return senders_[static_cast<size_t>(c->id) % senders_.size()];
  }

  void Send(Create* c) {
    Stamp(o_, &call_ids_, &c->request);
    SenderOf(c)(c->request.SerializeAsString(), [this, c](rpc::CallOutcome outcome,
                                                          std::string_view response) {
      c->response.Clear();
      if (outcome.status.ok() &&
          !c->response.ParseFromArray(response.data(), static_cast<int>(response.size()))) {
        outcome.status = Status::Internal("unparsable response");
      }
      OnReply(c, outcome.status);
    });
  }

  void StartOpen(Create* c) {
    PrepareOpen(o_, c);
    Send(c);
  }

  void OnReply(Create* c, const Status& status) {
    if (!status.ok() || c->response.status() != om::OK) {
      std::lock_guard<std::mutex> l(mu_);
      ++out_.errors;
      if (out_.first_error.empty()) {
        out_.first_error = !status.ok() ? status.ToString()
                                        : om::Status_Name(c->response.status()) + " " +
                                              c->response.message();
      }
    } else if (!c->committing) {
      {
        std::lock_guard<std::mutex> l(mu_);
        ++out_.writes;
      }
      PrepareCommit(c);
      Send(c);
      return;
    } else {
      const auto now = Clock::now();
      std::lock_guard<std::mutex> l(mu_);
      ++out_.writes;
      if (now >= o_.start && now <= o_.end) {
        out_.create_ms.push_back(Ms(now - c->started));
        out_.open_ms.push_back(Ms(c->opened - c->started));
      }
    }
    if (Clock::now() < o_.end) {
      ++c->n;
      StartOpen(c);
      return;
    }
    std::lock_guard<std::mutex> l(mu_);
    if (--in_flight_ == 0) all_done_.notify_all();
  }

  const AsyncCreateOptions& o_;
  std::vector<std::unique_ptr<rpc::CallStream>> streams_;
  std::vector<std::unique_ptr<rpc::FramedCallClient>> framed_;
  std::vector<Sender> senders_;  // one per connection
  std::atomic<uint64_t> call_ids_{1};
  std::mutex mu_;
  std::condition_variable all_done_;
  int in_flight_ = 0;     // guarded by mu_
  CreateLoadResult out_;  // guarded by mu_
};

}  // namespace

CreateLoadResult RunAsyncCreates(const AsyncCreateOptions& o) {
  if (o.streamed) return StreamedDriver(o).Run();
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<om::OzoneManagerService::Stub>> stubs;
  std::vector<om::OzoneManagerService::Stub*> stub_ptrs;
  for (int i = 0; i < std::max(1, o.channels); ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // one TCP connection per channel
    channels.push_back(grpc::CreateCustomChannel(o.address, grpc::InsecureChannelCredentials(),
                                                 args));
    channels.back()->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
    stubs.push_back(om::OzoneManagerService::NewStub(channels.back()));
    stub_ptrs.push_back(stubs.back().get());
  }
  const int threads = std::max(1, std::min(o.threads, o.outstanding));
  std::atomic<uint64_t> call_ids{1};
  std::vector<CreateLoadResult> parts(static_cast<size_t>(threads));
  std::vector<std::unique_ptr<Driver>> drivers;
  for (int t = 0; t < threads; ++t) {
    drivers.push_back(std::make_unique<Driver>(o, &call_ids, &parts[static_cast<size_t>(t)]));
  }
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&, t] { drivers[static_cast<size_t>(t)]->Run(stub_ptrs, t, threads); });
  }
  for (auto& th : running) th.join();
  CreateLoadResult all;
  for (CreateLoadResult& p : parts) {
    all.create_ms.insert(all.create_ms.end(), p.create_ms.begin(), p.create_ms.end());
    all.open_ms.insert(all.open_ms.end(), p.open_ms.begin(), p.open_ms.end());
    all.writes += p.writes;
    all.errors += p.errors;
    if (all.first_error.empty()) all.first_error = p.first_error;
  }
  return all;
}

}  // namespace ozone::bench
