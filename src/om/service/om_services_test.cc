// OM services: KeyDeletingService, OpenKeyCleanupService, and the stateful KeyLifecycleService
// whose configuration and progress survive a failover; services run only on the ready leader.
#include <gtest/gtest.h>

#include "ha/ha_context.h"
#include "om/metadata/om_db_keys.h"
#include "om/service/key_deleting_service.h"
#include "om/service/key_lifecycle_service.h"
#include "om/service/om_service_config_store.h"
#include "om/service/open_key_cleanup_service.h"
#include "om/testing/om_request_test_base.h"

namespace ozone::om {
namespace {

// Running, one rule: vol1/bucket1/tmp/ expires after an hour.
KeyLifecycleConfiguration ExpireTmpAfterAnHour() {
  KeyLifecycleConfiguration config;
  config.set_shouldrun(true);
  KeyLifecycleRule* rule = config.add_rules();
  rule->set_id("tmp-1h");
  rule->set_volumename("vol1");
  rule->set_bucketname("bucket1");
  rule->set_prefix("tmp/");
  rule->set_expireaftermillis(3600 * 1000);
  return config;
}

class OmServicesTest : public testing::OmRequestTest {
 protected:
  int replicas() const override { return 2; }
  void SetUp() override {
    OmRequestTest::SetUp();
    Expect(OK, testing::CreateVolume("vol1"));
    Expect(OK, testing::CreateBucket("vol1", "bucket1"));
  }
  size_t DeletedRows(int replica) {
    size_t n = 0;
    auto s = cluster_->state(replica).metadata().deleted().Scan(
        "", "", [&](const std::string&, const auto&) { return ++n, true; });
    EXPECT_TRUE(s.ok());
    return n;
  }
  OmOptions options_ = TestOptions();
};

TEST_F(OmServicesTest, KeyDeletingServicePurgesWhatScmTook) {
  for (const char* k : {"a", "b", "c"}) {
    ASSERT_EQ(testing::PutKey(*cluster_, "vol1", "bucket1", k, 10)->status(), OK);
    Expect(OK, testing::DeleteKey("vol1", "bucket1", k));
  }
  ASSERT_EQ(DeletedRows(0), 3u);
  std::string refused;
  ASSERT_TRUE(cluster_->state(0).metadata().deleted().Scan("", "", [&](const std::string& k,
                                                                     const auto&) {
    refused = k;
    return false;
  }).ok());
  cluster_->scm().RefuseDeletes({refused});
  KeyDeletingService service(&options_, &cluster_->state(0).metadata(), &cluster_->flow(0),
                             &cluster_->scm());
  EXPECT_EQ(*service.RunOnce(), 2u);
  EXPECT_EQ(DeletedRows(0), 1u);
  EXPECT_EQ(cluster_->scm().deleted().size(), 2u);
  EXPECT_EQ(cluster_->scm().deleted()[0].blocks.size(), 1u);
  // Followers purge the same rows by applying the log.
  ASSERT_TRUE(cluster_->CatchUp(1).ok());
  EXPECT_EQ(DeletedRows(1), 1u);
}

TEST_F(OmServicesTest, ServicesStayIdleWhileTheOmIsPrepared) {
  ASSERT_EQ(testing::PutKey(*cluster_, "vol1", "bucket1", "a", 10)->status(), OK);
  Expect(OK, testing::DeleteKey("vol1", "bucket1", "a"));
  OMRequest prepare;
  prepare.set_cmdtype(Type::Prepare);
  prepare.mutable_preparerequest()->mutable_args();
  Expect(OK, prepare);
  KeyDeletingService service(&options_, &cluster_->state(0).metadata(), &cluster_->flow(0),
                             &cluster_->scm());
  // No blocks handed to SCM for a purge that would be refused.
  Result<uint64_t> idle = service.RunOnce();
  ASSERT_TRUE(idle.ok()) << idle.status();
  EXPECT_EQ(*idle, 0u);
  EXPECT_TRUE(cluster_->scm().deleted().empty());
  EXPECT_EQ(DeletedRows(0), 1u);
  OMRequest cancel;
  cancel.set_cmdtype(Type::CancelPrepare);
  cancel.mutable_cancelpreparerequest();
  Expect(OK, cancel);
  EXPECT_EQ(*service.RunOnce(), 1u);
  EXPECT_EQ(DeletedRows(0), 0u);
}

TEST_F(OmServicesTest, OpenKeyCleanupServiceExpiresOldOpenKeys) {
  OMResponse old_key = Expect(OK, testing::CreateKey("vol1", "bucket1", "old"));
  clock_.Advance(std::chrono::hours(24 * 7 + 1));
  Expect(OK, testing::CreateKey("vol1", "bucket1", "fresh"));
  OpenKeyCleanupService service(&options_, &cluster_->state(0).metadata(), &cluster_->flow(0),
                                &clock_);
  EXPECT_EQ(*service.RunOnce(), 1u);
  EXPECT_EQ(*service.RunOnce(), 0u);
  auto gone = cluster_->state(0).metadata().open_keys().Get(
      OpenKeyDbKey("vol1", "bucket1", "old", old_key.createkeyresponse().id()));
  EXPECT_EQ(*gone, nullptr);
  EXPECT_EQ(DeletedRows(0), 1u);  // its block waits for the KeyDeletingService
  // The expired key cannot be committed any more.
  Expect(KEY_NOT_FOUND, testing::CommitKey("vol1", "bucket1", "old", old_key.createkeyresponse().id(),
                                           old_key.createkeyresponse().keyinfo(), 0));
}

TEST_F(OmServicesTest, StatefulLifecycleServiceResumesOnTheNewLeader) {
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(testing::PutKey(*cluster_, "vol1", "bucket1", "tmp/" + std::to_string(i))->status(), OK);
  }
  ASSERT_EQ(testing::PutKey(*cluster_, "vol1", "bucket1", "keep/x")->status(), OK);
  clock_.Advance(std::chrono::hours(2));

  OmOptions options = options_;
  options.lifecycle_scan_limit = 4;  // two runs per pass
  OmServiceConfigStore store0(&cluster_->flow(0), &cluster_->state(0).metadata(),
                              &cluster_->state(0).service_configs());
  KeyLifecycleService leader(&options, &cluster_->state(0).metadata(), &cluster_->flow(0),
                             &store0, &clock_);
  KeyLifecycleConfiguration config = ExpireTmpAfterAnHour();
  ASSERT_TRUE(leader.Configure(config).ok());
  EXPECT_EQ(*leader.RunOnce(), 4u);
  EXPECT_EQ(leader.configuration()->resumeafterkey(), "/vol1/bucket1/tmp/3");

  // Failover: the new leader reads the replicated configuration and resumes after tmp/3.
  ASSERT_TRUE(cluster_->Failover(1).ok());
  OmServiceConfigStore store1(&cluster_->flow(1), &cluster_->state(1).metadata(),
                              &cluster_->state(1).service_configs());
  KeyLifecycleService next(&options, &cluster_->state(1).metadata(), &cluster_->flow(1), &store1,
                           &clock_);
  KeyLifecycleConfiguration resumed = *next.configuration();
  EXPECT_TRUE(resumed.shouldrun());
  EXPECT_EQ(resumed.resumeafterkey(), "/vol1/bucket1/tmp/3");
  EXPECT_EQ(*next.RunOnce(), 2u);
  EXPECT_EQ(next.configuration()->completedpasses(), 1u);
  EXPECT_EQ(next.configuration()->expiredkeys(), 6u);
  OMResponse left = Expect(OK, testing::ListKeys("vol1", "bucket1"));
  ASSERT_EQ(left.listkeysresponse().keyinfo_size(), 1);
  EXPECT_EQ(left.listkeysresponse().keyinfo(0).keyname(), "keep/x");

  // A user stops it: persisted, every replica sees it.
  resumed.set_shouldrun(false);
  ASSERT_TRUE(next.Configure(resumed).ok());
  ASSERT_TRUE(cluster_->CatchUp(0).ok());
  EXPECT_FALSE(leader.configuration()->shouldrun());
  EXPECT_EQ(*next.RunOnce(), 0u);
  // The configuration is also served as a read (the CLI's status).
  OMRequest get;
  get.set_cmdtype(GetServiceConfiguration);
  get.mutable_getserviceconfigurationrequest()->set_servicename(kKeyLifecycleServiceName);
  OMResponse got = Expect(OK, get);
  KeyLifecycleConfiguration read;
  ASSERT_TRUE(read.ParseFromString(got.getserviceconfigurationresponse().configuration()));
  EXPECT_FALSE(read.shouldrun());
}

// A user's change saved while a run is under way (after the service read its configuration,
// before it saves its progress) is kept: the run's progress is dropped instead.
class StoreWithAUserStop : public OmServiceConfigStore {
 public:
  using OmServiceConfigStore::OmServiceConfigStore;
  ozone::Status SaveIf(const std::string& service, std::string expected,
                       std::string configuration) override {
    if (!stopped_) {
      stopped_ = true;
      KeyLifecycleConfiguration c;
      EXPECT_TRUE(c.ParseFromString(expected));
      c.set_shouldrun(false);
      EXPECT_TRUE(Save(service, c.SerializeAsString()).ok());
    }
    return OmServiceConfigStore::SaveIf(service, std::move(expected), std::move(configuration));
  }

 private:
  bool stopped_ = false;
};

TEST_F(OmServicesTest, AUserStopDuringALifecycleRunIsNotOverwrittenByItsProgress) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(testing::PutKey(*cluster_, "vol1", "bucket1", "tmp/" + std::to_string(i))->status(), OK);
  }
  clock_.Advance(std::chrono::hours(2));
  StoreWithAUserStop store(&cluster_->flow(0), &cluster_->state(0).metadata(),
                           &cluster_->state(0).service_configs());
  KeyLifecycleService service(&options_, &cluster_->state(0).metadata(), &cluster_->flow(0),
                              &store, &clock_);
  KeyLifecycleConfiguration config = ExpireTmpAfterAnHour();
  ASSERT_TRUE(service.Configure(config).ok());

  EXPECT_EQ(*service.RunOnce(), 3u);  // the keys it deleted stay deleted
  KeyLifecycleConfiguration after = *service.configuration();
  EXPECT_FALSE(after.shouldrun());  // the user's stop, not the run's progress
  EXPECT_EQ(after.completedpasses(), 0u);
  EXPECT_EQ(*service.RunOnce(), 0u);
}

TEST_F(OmServicesTest, AConditionalSaveAppliesOnlyOverTheConfigurationItRead) {
  auto set = [](const std::string& config, std::optional<std::string> expected) {
    OMRequest r;
    r.set_cmdtype(SetServiceConfiguration);
    auto* s = r.mutable_setserviceconfigurationrequest();
    s->set_servicename("S");
    s->set_configuration(config);
    if (expected) s->set_expectedconfiguration(*expected);
    return r;
  };
  OMRequest get;
  get.set_cmdtype(GetServiceConfiguration);
  get.mutable_getserviceconfigurationrequest()->set_servicename("S");

  Expect(OK, set("one", std::string()));  // none saved counts as empty
  OMResponse refused = Expect(SERVICE_CONFIGURATION_CHANGED, set("two", std::string()));
  EXPECT_EQ(refused.message(), "The configuration of S changed since it was read.");
  EXPECT_EQ(Expect(OK, get).getserviceconfigurationresponse().configuration(), "one");
  Expect(OK, set("two", std::string("one")));
  Expect(SERVICE_CONFIGURATION_CHANGED, set("three", std::string("one")));
  Expect(OK, set("three", std::nullopt));  // unconditional
  ASSERT_TRUE(cluster_->CatchUp(1).ok());
  auto follower = cluster_->state(1).service_configs().Read(*cluster_->state(1).metadata().db(),
                                                            "S");
  ASSERT_TRUE(follower.ok());
  EXPECT_EQ(follower->value_or(""), "three");
}

TEST_F(OmServicesTest, ServicesRunOnlyOnTheReadyLeader) {
  ha::HaContext context;
  OpenKeyCleanupService cleanup(&options_, &cluster_->state(0).metadata(), &cluster_->flow(0),
                                &clock_);
  auto service = cleanup.MakeBackgroundService(&context);
  ha::ServiceManager services;
  services.Register(service);
  EXPECT_FALSE(service->ShouldRun());
  context.SetLeader(true, Term(1));
  services.NotifyStatusChanged();
  EXPECT_FALSE(service->ShouldRun());  // leader, not ready
  context.SetLeaderReady();
  services.NotifyStatusChanged();
  EXPECT_TRUE(service->ShouldRun());
  context.SetLeader(false, Term(2));
  services.NotifyStatusChanged();
  EXPECT_FALSE(service->ShouldRun());
}

}  // namespace
}  // namespace ozone::om
