// OmRequestTest: a gtest fixture over a one-replica OmTestCluster (manual clock, 1 MB blocks),
// with helpers that submit and expect a status.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "common/clock.h"
#include "om/testing/om_test_cluster.h"
#include "tests/testutil/subprocess.h"

namespace ozone::om::testing {

class OmRequestTest : public ::testing::Test {
 protected:
  static OmOptions TestOptions() {
    OmOptions o;
    o.scm_block_size = 1 << 20;
    return o;
  }

  void SetUp() override {
    cluster_ = std::make_unique<OmTestCluster>(tmp_.path(), replicas(), TestOptions(), &clock_);
  }
  virtual int replicas() const { return 1; }

  OMResponse Submit(OMRequest request) {
    Result<OMResponse> r = cluster_->Submit(std::move(request));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : OMResponse();
  }
  // Submits and expects `code`.
  OMResponse Expect(Status code, OMRequest request) {
    OMResponse r = Submit(std::move(request));
    EXPECT_EQ(r.status(), code) << Status_Name(r.status()) << ": " << r.message();
    return r;
  }

  testutil::TempDir tmp_;
  ManualClock clock_;
  std::unique_ptr<OmTestCluster> cluster_;
};

}  // namespace ozone::om::testing
