#include "rpc/grpc_status.h"

#include <grpcpp/grpcpp.h>

namespace ozone::rpc {

namespace {
// Codes without a natural gRPC twin travel in the message prefix so they survive a round trip.
constexpr char kNotLeaderTag[] = "[NOT_LEADER] ";
constexpr char kCorruptionTag[] = "[CORRUPTION] ";
constexpr char kBusyTag[] = "[BUSY] ";
constexpr char kIoTag[] = "[IO_ERROR] ";

bool StripPrefix(std::string* s, std::string_view prefix) {
  if (s->compare(0, prefix.size(), prefix) != 0) return false;
  s->erase(0, prefix.size());
  return true;
}
}  // namespace

grpc::Status ToGrpc(const Status& s) {
  using C = Status::Code;
  const std::string& m = s.message();
  switch (s.code()) {
    case C::kOk:
      return grpc::Status::OK;
    case C::kNotFound:
      return {grpc::StatusCode::NOT_FOUND, m};
    case C::kAlreadyExists:
      return {grpc::StatusCode::ALREADY_EXISTS, m};
    case C::kInvalidArgument:
      return {grpc::StatusCode::INVALID_ARGUMENT, m};
    case C::kCorruption:
      return {grpc::StatusCode::DATA_LOSS, kCorruptionTag + m};
    case C::kIoError:
      return {grpc::StatusCode::INTERNAL, kIoTag + m};
    case C::kBusy:
      return {grpc::StatusCode::RESOURCE_EXHAUSTED, kBusyTag + m};
    case C::kNotLeader:
      return {grpc::StatusCode::FAILED_PRECONDITION, kNotLeaderTag + m};
    case C::kTimeout:
      return {grpc::StatusCode::DEADLINE_EXCEEDED, m};
    case C::kUnavailable:
      return {grpc::StatusCode::UNAVAILABLE, m};
    case C::kAborted:
      return {grpc::StatusCode::ABORTED, m};
    case C::kFailedPrecondition:
      return {grpc::StatusCode::FAILED_PRECONDITION, m};
    case C::kNotSupported:
      return {grpc::StatusCode::UNIMPLEMENTED, m};
    case C::kInternal:
      return {grpc::StatusCode::INTERNAL, m};
  }
  return {grpc::StatusCode::UNKNOWN, m};
}

Status FromGrpc(const grpc::Status& g) {
  std::string m = g.error_message();
  switch (g.error_code()) {
    case grpc::StatusCode::OK:
      return Status::OK();
    case grpc::StatusCode::NOT_FOUND:
      return Status::NotFound(m);
    case grpc::StatusCode::ALREADY_EXISTS:
      return Status::AlreadyExists(m);
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return Status::InvalidArgument(m);
    case grpc::StatusCode::DATA_LOSS:
      StripPrefix(&m, kCorruptionTag);
      return Status::Corruption(m);
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      StripPrefix(&m, kBusyTag);
      return Status::Busy(m);
    case grpc::StatusCode::FAILED_PRECONDITION:
      if (StripPrefix(&m, kNotLeaderTag)) return Status::NotLeader(m);
      return Status::FailedPrecondition(m);
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return Status::Timeout(m);
    case grpc::StatusCode::UNAVAILABLE:
      return Status::Unavailable(m);
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::CANCELLED:
      return Status::Aborted(m);
    case grpc::StatusCode::UNIMPLEMENTED:
      return Status::NotSupported(m);
    case grpc::StatusCode::INTERNAL:
      if (StripPrefix(&m, kIoTag)) return Status::IoError(m);
      return Status::Internal(m);
    default:
      return Status::Internal(m);
  }
}

std::string GrpcVersion() { return grpc::Version(); }

}  // namespace ozone::rpc
