// RawUnaryCall: one unary gRPC call with raw request bytes, for tests that send what no stub
// would (garbage, an empty message, an unknown method) and look at the status that comes back.
//
// Thread-safety: a free function; each call has its own channel.
#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

namespace ozone::testutil {

// Calls `method` ("/package.Service/Method") on `address` with `payload` as the request bytes.
inline grpc::Status RawUnaryCall(const std::string& address, const std::string& method,
                                 const std::string& payload,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + timeout);
  grpc::Slice slice(payload);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&ctx, method, request, &cq);
  call->StartCall();
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

}  // namespace ozone::testutil
