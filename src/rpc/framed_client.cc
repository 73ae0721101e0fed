#include "rpc/framed_client.h"

#include <google/protobuf/message.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <thread>
#include <unordered_map>
#include <utility>

#include "common/thread_name.h"
#include "rpc.pb.h"
#include "rpc/call_stream.h"
#include "rpc/framed_wire.h"
#include "rpc/grpc_status.h"

namespace ozone::rpc {

struct FramedCallClient::Connection {
  int fd = -1;
  std::thread reader;
  std::mutex mu;
  std::unordered_map<uint64_t, Done> outstanding;  // guarded by mu: sent or queued
  StreamedCalls queued;                            // guarded by mu: waiting for the writer
  bool writing = false;                            // guarded by mu
  bool broken = false;                             // guarded by mu
  std::atomic<bool> finished{false};               // the reader is about to return
  std::string out;                                 // the writer's

  ~Connection() {
    if (reader.joinable()) reader.join();
    if (fd >= 0) close(fd);
  }
};

FramedCallClient::FramedCallClient(std::string address, std::string server,
                                   std::chrono::milliseconds connect_timeout)
    : address_(std::move(address)), server_(std::move(server)), connect_timeout_(connect_timeout) {}

FramedCallClient::~FramedCallClient() {
  std::vector<std::shared_ptr<Connection>> all;
  {
    std::lock_guard<std::mutex> l(mu_);
    all.swap(retired_);
    if (open_ != nullptr) all.push_back(std::move(open_));
  }
  for (auto& c : all) shutdown(c->fd, SHUT_RDWR);  // the readers fail the unanswered calls
  for (auto& c : all) {
    if (c->reader.joinable()) c->reader.join();
  }
}

uint64_t FramedCallClient::connections_opened() const {
  std::lock_guard<std::mutex> l(mu_);
  return connections_opened_;
}

Result<std::shared_ptr<FramedCallClient::Connection>> FramedCallClient::Open() {
  std::lock_guard<std::mutex> l(mu_);
  if (open_ != nullptr) {
    {
      std::lock_guard<std::mutex> cl(open_->mu);
      if (!open_->broken) return open_;
    }
    retired_.push_back(std::move(open_));
  }
  // Readers that ended are joined here, unless this is one of them (a `done` calling again).
  for (auto it = retired_.begin(); it != retired_.end();) {
    bool mine = (*it)->reader.get_id() == std::this_thread::get_id();
    if (!mine && (*it)->reader.joinable() && (*it)->finished.load()) (*it)->reader.join();
    if (!mine && !(*it)->reader.joinable()) {
      it = retired_.erase(it);
    } else {
      ++it;
    }
  }
  if (unsupported_.load()) {
    return Status::NotSupported(server_ + " does not serve framed calls");
  }
  Result<int> fd = ConnectTcp(address_, connect_timeout_);
  if (!fd.ok()) return Status::Unavailable(server_ + " is unreachable: " + fd.status().message());
  auto c = std::make_shared<Connection>();
  c->fd = *fd;
  const std::string preamble = FramedPreamble();
  Status s = WriteAll(c->fd, preamble);
  if (!s.ok()) return Status::Unavailable(server_ + " is unreachable: " + s.message());
  // The server's preamble, or what says it does not speak the framing.
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + connect_timeout_;
  while (got.size() < preamble.size()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !WaitReadable(c->fd, left)) {
      return Status::Unavailable(server_ + " did not answer the connection's preamble");
    }
    char buf[kFramedPreambleBytes];
    const ssize_t r = recv(c->fd, buf, preamble.size() - got.size(), 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno != ECONNRESET) {
      return Status::Unavailable(server_ + " is unreachable: " + std::strerror(errno));
    }
    if (r <= 0) break;  // closed: not a framed server
    got.append(buf, static_cast<size_t>(r));
    if (got != preamble.substr(0, got.size())) break;
  }
  if (got != preamble) {
    unsupported_.store(true);
    return Status::NotSupported(server_ + " does not serve framed calls");
  }
  ++connections_opened_;
  Connection* raw = c.get();
  c->reader = std::thread([this, raw] { Read(raw); });
  open_ = c;
  return c;
}

void FramedCallClient::CallAsync(std::string request, Done done) {
  Result<std::shared_ptr<Connection>> c = Open();
  if (!c.ok()) {
    CallOutcome failure;
    failure.status = c.status();
    done(std::move(failure), std::string_view());
    return;
  }
  Send(*c, ++next_call_id_, std::move(request), std::move(done));
}

void FramedCallClient::Send(const std::shared_ptr<Connection>& c, uint64_t id, std::string request,
                            Done done) {
  std::unique_lock<std::mutex> l(c->mu);
  if (c->broken) {
    l.unlock();
    CallOutcome failure;
    failure.status = Status::Unavailable(server_ + " closed the connection");
    done(std::move(failure), std::string_view());
    return;
  }
  c->outstanding.emplace(id, std::move(done));
  StreamedCall* call = c->queued.add_calls();
  call->set_callid(id);
  call->mutable_request()->swap(request);
  if (c->writing) return;  // the writer takes it
  c->writing = true;
  while (c->queued.calls_size() > 0 && !c->broken) {
    c->out.clear();
    AppendFrame(c->queued, &c->out);
    c->queued.Clear();
    l.unlock();
    const Status s = WriteAll(c->fd, c->out);
    l.lock();
    if (!s.ok()) {
      c->broken = true;
      shutdown(c->fd, SHUT_RDWR);  // the reader fails the calls
    }
  }
  c->writing = false;
}

void FramedCallClient::Read(Connection* c) {
  NameThisThread("framed-client");
  FrameBuffer in;
  StreamedReplies replies;
  std::vector<std::pair<Done, const StreamedReply*>> dispatch;
  std::string why = " closed the connection";
  bool ok = true;
  while (ok) {
    if (in.ReadFrom(c->fd) <= 0) break;
    std::string_view body;
    FrameBuffer::Next next;
    while ((next = in.NextFrame(&body)) == FrameBuffer::Next::kFrame) {
      if (!replies.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
        next = FrameBuffer::Next::kTooLarge;
        break;
      }
      {
        std::lock_guard<std::mutex> l(c->mu);
        for (const StreamedReply& r : replies.replies()) {
          auto it = c->outstanding.find(r.callid());
          if (it == c->outstanding.end()) continue;  // not ours: ignored
          dispatch.emplace_back(std::move(it->second), &r);
          c->outstanding.erase(it);
        }
      }
      for (auto& [done, r] : dispatch) {
        CallOutcome outcome;
        if (r->has_errorcode()) {
          outcome.status = FromGrpc(
              grpc::Status(static_cast<grpc::StatusCode>(r->errorcode()), r->errormessage()));
          if (r->has_leaderaddress()) outcome.leader_address = r->leaderaddress();
          done(std::move(outcome), std::string_view());
        } else {
          done(std::move(outcome), r->response());
        }
      }
      dispatch.clear();
      replies.Clear();
    }
    if (next == FrameBuffer::Next::kTooLarge) {
      why = " sent an undecodable reply";
      ok = false;
    }
  }
  std::unordered_map<uint64_t, Done> unanswered;
  {
    std::lock_guard<std::mutex> l(c->mu);
    c->broken = true;
    unanswered.swap(c->outstanding);
  }
  shutdown(c->fd, SHUT_RDWR);
  for (auto& [id, done] : unanswered) {
    CallOutcome failure;
    failure.status = Status::Unavailable(server_ + why);
    done(std::move(failure), std::string_view());
  }
  c->finished.store(true);
}

CallOutcome FramedCallClient::Call(const google::protobuf::Message& request,
                                   google::protobuf::Message* response,
                                   std::chrono::milliseconds timeout) {
  return CallAndWait([this](std::string r, Done done) { CallAsync(std::move(r), std::move(done)); },
                     request, response, timeout, server_);
}

}  // namespace ozone::rpc
