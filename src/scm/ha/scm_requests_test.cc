#include "scm/ha/scm_requests.h"

#include <gtest/gtest.h>

namespace ozone::scm {
namespace {

TEST(ScmStatusTest, CodesMapToStatusesAndBack) {
  struct Case {
    ScmResultCode code;
    Status::Code status;
  };
  for (const Case& c : std::vector<Case>{
           {CONTAINER_EXISTS, Status::Code::kAlreadyExists},
           {DUPLICATED_PIPELINE_ID, Status::Code::kAlreadyExists},
           {FAILED_TO_FIND_CONTAINER, Status::Code::kNotFound},
           {FAILED_TO_FIND_PIPELINE, Status::Code::kNotFound},
           {FAILED_TO_FIND_SUITABLE_NODE, Status::Code::kNotFound},
           {SAFE_MODE_EXCEPTION, Status::Code::kFailedPrecondition},
           {UNEXPECTED_CONTAINER_STATE, Status::Code::kFailedPrecondition},
           {INVALID_BLOCK_SIZE, Status::Code::kInvalidArgument},
           {SCM_NOT_LEADER, Status::Code::kNotLeader},
           {TIMEOUT, Status::Code::kTimeout},
           {INTERNAL_ERROR, Status::Code::kInternal},
       }) {
    Status s = ScmStatus(c.code, "details here");
    EXPECT_EQ(s.code(), c.status) << ScmResultCode_Name(c.code);
    EXPECT_EQ(s.message(), ScmResultCode_Name(c.code) + " details here");
    EXPECT_EQ(ScmCodeOf(s), c.code);
    ScmError e;
    ToScmError(s, &e);
    EXPECT_EQ(e.code(), c.code);
    EXPECT_EQ(e.message(), "details here");
  }
  EXPECT_TRUE(ScmStatus(SUCCEEDED, "x").ok());
}

TEST(ScmStatusTest, PlainStatusesGetACode) {
  EXPECT_EQ(ScmCodeOf(Status::NotLeader("not the leader. Suggested leader is scm2.")),
            SCM_NOT_LEADER);
  EXPECT_EQ(ScmCodeOf(Status::Timeout("slow")), TIMEOUT);
  EXPECT_EQ(ScmCodeOf(Status::IoError("disk")), IO_EXCEPTION);
  EXPECT_EQ(ScmCodeOf(Status::InvalidArgument("NOT_A_CODE bad")), INTERNAL_ERROR);
  EXPECT_EQ(ScmCodeOf(Status::OK()), SUCCEEDED);
  ScmError e;
  ToScmError(Status::NotLeader("not the leader. Suggested leader is scm2."), &e);
  EXPECT_EQ(e.code(), SCM_NOT_LEADER);
  EXPECT_EQ(e.message(), "not the leader. Suggested leader is scm2.");
}

}  // namespace
}  // namespace ozone::scm
