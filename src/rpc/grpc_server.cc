#include "rpc/grpc_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "common/thread_name.h"
#include "rpc/framed_wire.h"

namespace ozone::rpc {

Result<std::unique_ptr<GrpcServer>> GrpcServer::Start(const std::string& address,
                                                      const std::vector<grpc::Service*>& services,
                                                      const std::string& name,
                                                      GrpcServerOptions options) {
  std::unique_ptr<GrpcServer> s(new GrpcServer());
  s->name_ = name;
  s->async_ = options.async;
  s->framed_ = options.framed;
  grpc::ServerBuilder b;
  if (s->framed_ != nullptr) {
    Result<Listener> l = ListenTcp(address);
    if (!l.ok()) {
      return Status::Unavailable("cannot serve the " + name + " on " + address + ": " +
                                 l.status().message());
    }
    s->listen_fds_ = l->fds;
    s->port_ = l->port;
    s->wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    // Connections handed over as if gRPC had accepted them (grpc::AddInsecureChannelFromFd's
    // connections were not read promptly: a stream stalled after some dozens of calls).
    s->external_ = b.experimental().AddExternalConnectionAcceptor(
        grpc::ServerBuilder::experimental_type::ExternalConnectionType::FROM_FD,
        grpc::InsecureServerCredentials());
  } else {
    b.AddListeningPort(address, grpc::InsecureServerCredentials(), &s->port_);
  }
  b.SetMaxReceiveMessageSize(64 << 20);
  b.SetMaxSendMessageSize(64 << 20);
  // A port in TIME_WAIT from a previous run may be reused at once; two live servers on one
  // port are refused by the kernel anyway (SO_REUSEPORT is off).
  b.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  b.AddChannelArgument(GRPC_ARG_ENABLE_CHANNELZ, 0);
  for (grpc::Service* svc : services) b.RegisterService(svc);
  if (options.async != nullptr) {
    // The synchronous methods of such a server are the rare ones: one polling thread for them,
    // so that the completion-queue threads receive the calls they serve themselves.
    b.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
    b.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
    b.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 1);
    for (int i = 0; i < options.async_threads; ++i) {
      s->queues_.push_back(b.AddCompletionQueue());
    }
  }
  s->server_ = b.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    for (auto& q : s->queues_) {
      q->Shutdown();
      void* tag;
      bool ok;
      while (q->Next(&tag, &ok)) {
      }
    }
    return Status::Unavailable("cannot serve the " + name + " on " + address +
                               " (address in use or not local?)");
  }
  for (auto& q : s->queues_) {
    s->threads_.emplace_back([async = options.async, cq = q.get()] { async->Serve(cq); });
  }
  if (s->framed_ != nullptr) s->acceptor_ = std::thread([raw = s.get()] { raw->Accept(); });
  spdlog::info("{} listening on {}", name, address);
  return s;
}

void AsyncMethods::Serve(grpc::ServerCompletionQueue* cq) {
  void* tag = nullptr;
  bool ok = false;
  while (cq->Next(&tag, &ok)) {
  }
}

void GrpcServer::Accept() {
  NameThisThread("rpc-accept");
  std::vector<pollfd> p;
  for (int fd : listen_fds_) p.push_back({fd, POLLIN, 0});
  p.push_back({wake_fd_, POLLIN, 0});
  for (;;) {
    if (poll(p.data(), p.size(), -1) < 0 && errno != EINTR) break;
    if ((p.back().revents & POLLIN) != 0) break;
    for (size_t i = 0; i + 1 < p.size(); ++i) {
      if ((p[i].revents & POLLIN) == 0) continue;
      const int listener = p[i].fd;
      // Non-blocking: a connection gone between poll and accept makes it fail, not wait.
      const int fd = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;  // EAGAIN, EMFILE, ECONNABORTED...: the next one
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      framed_->Adopt(fd, [this, listener](int grpc_fd) {
        // gRPC reads until EAGAIN: a blocking socket would hold its poller.
        fcntl(grpc_fd, F_SETFL, fcntl(grpc_fd, F_GETFL) | O_NONBLOCK);
        grpc::experimental::ExternalConnectionAcceptor::NewConnectionParameters c;
        c.listener_fd = listener;
        c.fd = grpc_fd;
        external_->HandleNewConnection(&c);
      });
    }
  }
}

GrpcServer::~GrpcServer() { Stop(); }

void GrpcServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (acceptor_.joinable()) {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t w = write(wake_fd_, &one, sizeof(one));
    acceptor_.join();
  }
  for (int fd : listen_fds_) close(fd);
  listen_fds_.clear();
  if (wake_fd_ >= 0) close(wake_fd_);
  // No framed call is handed out after this; those handed out are answered as gRPC's are.
  if (framed_ != nullptr) framed_->Stop();
  if (server_) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
  }
  // After the server: no call is asked for on a queue that shut down, and no call is answered
  // on one.
  if (async_ != nullptr) async_->WaitUntilAnswered();
  for (auto& q : queues_) q->Shutdown();
  for (auto& t : threads_) t.join();
}

}  // namespace ozone::rpc
