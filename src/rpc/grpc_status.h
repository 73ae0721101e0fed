// Translation between the project's Status and grpc::Status, done only here (at the RPC edge).
// The mapping is lossless for the code; the message travels as the gRPC message.
//
// Thread-safety: pure functions.
#pragma once

#include <grpcpp/support/status.h>

#include "common/status.h"

namespace ozone::rpc {

grpc::Status ToGrpc(const Status& status);
Status FromGrpc(const grpc::Status& status);

// The gRPC library version ("1.51.1").
std::string GrpcVersion();

}  // namespace ozone::rpc
