// OmClient against fake OMs served over gRPC on 127.0.0.1: leader failover, the retry identity
// of writes (client id, call id), and Ozone's result codes in errors.
#include "client/om_client.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "om.grpc.pb.h"
#include "rpc/grpc_status.h"
#include "rpc/not_leader_reply.h"
#include "rpc/streamed_calls_reactor.h"

namespace ozone::client {
namespace {

using namespace std::chrono_literals;

// One fake OM: leader (answers), follower (NotLeader naming `hint`), or failing with a Status;
// over Submit and SubmitStream (what OmClient uses) alike.
class FakeOm final
    : public om::OzoneManagerService::WithCallbackMethod_SubmitStream<
          om::OzoneManagerService::Service> {
 public:
  explicit FakeOm(std::string name) : name_(std::move(name)) {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    b.RegisterService(this);
    server_ = b.BuildAndStart();
  }
  ~FakeOm() override { server_->Shutdown(); }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void BeLeader() {
    std::lock_guard<std::mutex> l(mu_);
    leader_ = true;
    error_ = Status::OK();
  }
  void BeFollower(std::string hint) {
    std::lock_guard<std::mutex> l(mu_);
    leader_ = false;
    hint_ = std::move(hint);
  }
  // The next `times` calls fail with `s` (after recording the request).
  void FailNext(Status s, int times) {
    std::lock_guard<std::mutex> l(mu_);
    error_ = std::move(s);
    fail_times_ = times;
  }
  std::vector<om::OMRequest> requests() const {
    std::lock_guard<std::mutex> l(mu_);
    return requests_;
  }

  grpc::ServerBidiReactor<om::OMCalls, om::OMReplies>* SubmitStream(
      grpc::CallbackServerContext* ctx) override {
    using Reactor = rpc::StreamedCallsReactor<om::OMCalls, om::OMReplies>;
    return new Reactor(ctx, [this](grpc::CallbackServerContext* c, om::OMRequest* req,
                                   Reactor::Answer answer) {
      om::OMResponse resp;
      grpc::Status s = Answer(c, req, &resp);
      answer.Complete(std::move(s), &resp);
    });
  }

  grpc::Status Submit(grpc::ServerContext* ctx, const om::OMRequest* req,
                      om::OMResponse* resp) override {
    return Answer(ctx, req, resp);
  }

 private:
  grpc::Status Answer(grpc::ServerContextBase* ctx, const om::OMRequest* req,
                      om::OMResponse* resp) {
    std::lock_guard<std::mutex> l(mu_);
    if (!leader_) return rpc::NotLeaderReply(ctx, name_, rpc::LeaderHint{hint_, "om-leader"});
    requests_.push_back(*req);
    if (fail_times_ > 0) {
      --fail_times_;
      return rpc::ToGrpc(error_);
    }
    resp->set_cmdtype(req->cmdtype());
    resp->set_status(om::OK);
    switch (req->cmdtype()) {
      case om::InfoVolume:
        if (req->infovolumerequest().volumename() == "missing") {
          resp->set_success(false);
          resp->set_status(om::VOLUME_NOT_FOUND);
          resp->set_message("Volume missing is not found");
        } else {
          om::VolumeInfo* v = resp->mutable_infovolumeresponse()->mutable_volumeinfo();
          v->set_volume(req->infovolumerequest().volumename());
          v->set_adminname("admin");
          v->set_ownername("owner");
        }
        break;
      case om::CreateVolume:
        if (!volumes_.insert(req->createvolumerequest().volumeinfo().volume()).second) {
          resp->set_success(false);
          resp->set_status(om::VOLUME_ALREADY_EXISTS);
          resp->set_message("Volume already exists");
        }
        break;
      default:
        break;
    }
    resp->set_leaderomnodeid(name_);
    return grpc::Status::OK;
  }

  std::string name_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  mutable std::mutex mu_;
  bool leader_ = true;
  std::string hint_;
  Status error_;
  int fail_times_ = 0;
  std::vector<om::OMRequest> requests_;
  std::set<std::string> volumes_;
};

class OmClientTest : public ::testing::Test {
 protected:
  OmClientTest() {
    for (int i = 1; i <= 3; ++i) oms_.push_back(std::make_unique<FakeOm>("om" + std::to_string(i)));
    conf_.Set("ozone.om.service.ids", "omservice");
    conf_.Set("ozone.om.nodes.omservice", "om1,om2,om3");
    for (int i = 0; i < 3; ++i) {
      conf_.Set("ozone.om.address.omservice.om" + std::to_string(i + 1), oms_[i]->address());
    }
    conf_.Set("ozone.client.wait.between.retries.millis", "20");
  }

  std::unique_ptr<OmClient> Client() {
    auto c = OmClient::Create(conf_, OmClientOptions{.user_name = "alice"});
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? std::move(*c) : nullptr;
  }

  config::Configuration conf_;
  std::vector<std::unique_ptr<FakeOm>> oms_;
};

TEST_F(OmClientTest, UsesTheConfiguredServiceAndOzonesDefaults) {
  auto c = Client();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->service_id(), "omservice");
  ASSERT_EQ(c->nodes().size(), 3u);
  EXPECT_EQ(c->nodes()[1].node_id, "om2");
  config::Configuration empty;
  auto fo = OmFailoverOptions(empty);
  ASSERT_TRUE(fo.ok());
  EXPECT_EQ(fo->max_failovers, 500);
  EXPECT_EQ(fo->retry_interval, 2000ms);
  EXPECT_EQ(fo->rpc_timeout, std::chrono::milliseconds(15 * 60 * 1000));
  EXPECT_TRUE(fo->framed);
  empty.Set("ozone.om.client.framed.calls", "false");
  EXPECT_FALSE(OmFailoverOptions(empty)->framed);
  EXPECT_FALSE(OmClient::Create(conf_, OmClientOptions{.service_id = "other"}).ok());
}

TEST_F(OmClientTest, FollowsTheLeaderHint) {
  oms_[0]->BeFollower(oms_[2]->address());
  oms_[1]->BeFollower(oms_[2]->address());
  auto c = Client();
  ASSERT_TRUE(c);
  auto v = c->InfoVolume("vol1");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->volume(), "vol1");
  EXPECT_EQ(oms_[2]->requests().size(), 1u);
  EXPECT_TRUE(oms_[1]->requests().empty());
}

TEST_F(OmClientTest, WritesCarryTheClientIdAndAGrowingCallIdReadsNoCallId) {
  auto c = Client();
  ASSERT_TRUE(c);
  om::VolumeInfo v;
  v.set_volume("a");
  v.set_adminname("alice");
  v.set_ownername("alice");
  ASSERT_TRUE(c->CreateVolume(v).ok());
  v.set_volume("b");
  ASSERT_TRUE(c->CreateVolume(v).ok());
  ASSERT_TRUE(c->InfoVolume("a").ok());
  auto reqs = oms_[0]->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].clientid(), c->client_id());
  EXPECT_EQ(reqs[1].clientid(), c->client_id());
  EXPECT_LT(reqs[0].callid(), reqs[1].callid());
  EXPECT_FALSE(reqs[2].has_callid());
  EXPECT_EQ(reqs[0].userinfo().username(), "alice");
  // Another client has another id.
  auto other = Client();
  EXPECT_NE(other->client_id(), c->client_id());
}

TEST_F(OmClientTest, ARetriedWriteKeepsItsCallId) {
  // om1 takes the write, then fails before answering (as a leader killed after commit would);
  // the client retries: the same (clientId, callId) reaches the OM again.
  oms_[0]->FailNext(Status::Unavailable("connection reset"), 1);
  auto c = Client();
  ASSERT_TRUE(c);
  om::VolumeInfo v;
  v.set_volume("vol1");
  v.set_adminname("alice");
  v.set_ownername("alice");
  ASSERT_TRUE(c->CreateVolume(v).ok());
  std::vector<om::OMRequest> all;
  for (auto& om : oms_) {
    for (auto& r : om->requests()) all.push_back(r);
  }
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].callid(), all[1].callid());
  EXPECT_EQ(all[0].clientid(), all[1].clientid());
}

TEST_F(OmClientTest, FailedResponsesNameOzonesResultCode) {
  auto c = Client();
  ASSERT_TRUE(c);
  auto missing = c->InfoVolume("missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_EQ(missing.status().message(), "VOLUME_NOT_FOUND Volume missing is not found");
  om::VolumeInfo v;
  v.set_volume("dup");
  v.set_adminname("alice");
  v.set_ownername("alice");
  ASSERT_TRUE(c->CreateVolume(v).ok());
  Status again = c->CreateVolume(v);
  EXPECT_TRUE(again.IsAlreadyExists());
  EXPECT_EQ(again.message(), "VOLUME_ALREADY_EXISTS Volume already exists");
}

TEST_F(OmClientTest, GivesUpAfterTheConfiguredFailovers) {
  for (auto& om : oms_) om->BeFollower("");
  conf_.Set("ozone.client.failover.max.attempts", "5");
  auto c = Client();
  ASSERT_TRUE(c);
  auto r = c->InfoVolume("vol1");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotLeader()) << r.status();
  EXPECT_NE(r.status().ToString().find("giving up after 5 failover attempt(s)"), std::string::npos)
      << r.status();
}

}  // namespace
}  // namespace ozone::client
