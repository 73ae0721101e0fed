#include "rpc/grpc_status.h"

#include <gtest/gtest.h>

namespace ozone::rpc {
namespace {

TEST(GrpcStatusTest, RoundTripsEveryCode) {
  const Status statuses[] = {
      Status::OK(),
      Status::NotFound("a"),
      Status::AlreadyExists("b"),
      Status::InvalidArgument("c"),
      Status::Corruption("d"),
      Status::IoError("e"),
      Status::Busy("f"),
      Status::NotLeader("om2 is not the leader"),
      Status::Timeout("g"),
      Status::Unavailable("h"),
      Status::Aborted("i"),
      Status::FailedPrecondition("j"),
      Status::NotSupported("k"),
      Status::Internal("l"),
  };
  for (const Status& s : statuses) EXPECT_EQ(FromGrpc(ToGrpc(s)), s) << s;
}

TEST(GrpcStatusTest, MapsForeignGrpcCodes) {
  EXPECT_TRUE(FromGrpc({grpc::StatusCode::CANCELLED, "x"}).IsAborted());
  EXPECT_TRUE(FromGrpc({grpc::StatusCode::UNAVAILABLE, "down"}).IsUnavailable());
  EXPECT_EQ(FromGrpc({grpc::StatusCode::UNKNOWN, "?"}).code(), Status::Code::kInternal);
}

}  // namespace
}  // namespace ozone::rpc
