// OmClient: the client of an OM ring (Ozone's OzoneManagerProtocolClientSideTranslatorPB over
// OMFailoverProxyProvider) for the shell, freon, tests and benchmarks. Every OMRequest goes to
// the leader of the service's OMs (those not decommissioned nor listeners, as Ozone's
// getActiveNonListenerOMNodeIds) with failover (rpc::FailoverClient): a follower's NotLeader
// hint is followed, a leader that is not ready yet is asked again, an unreachable OM is skipped;
// after every OM was tried it waits ozone.client.wait.between.retries.millis (2000), and gives up
// after ozone.client.failover.max.attempts (500) failovers; one call's deadline is
// ozone.om.client.rpc.timeout (15m). Calls travel as framed calls on the OM's client port
// (rpc/framed_wire.h), or over a gRPC stream with ozone.om.client.framed.calls=false or to an OM
// that does not serve them.
//
// Writes carry this client's id (a random UUID) and a call id that grows by one per request; a
// retry after a failover sends the same pair, so the OM's retry cache answers a write that
// already committed with its original response instead of applying it twice.
//
// Errors: a response whose status is not OK becomes a Status whose message is Ozone's shell
// line, "<RESULT_CODE> <message>" ("VOLUME_NOT_FOUND Volume vol1 is not found"), with a code close
// to its meaning (NotFound, AlreadyExists, InvalidArgument, FailedPrecondition, ...); RPC failures
// as rpc::FailoverClient returns them.
//
// Thread-safety: all methods may be called from any thread, concurrently.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config/configuration.h"
#include "common/result.h"
#include "om.pb.h"
#include "rpc/failover_client.h"

namespace ozone::client {

struct OmClientOptions {
  // The OM service to talk to. Default: ozone.om.internal.service.id, else the only one of
  // ozone.om.service.ids.
  std::optional<std::string> service_id;
  // A single OM's "host[:port]" instead of a service (non-HA). Default: unset.
  std::optional<std::string> address;
  // Overrides of what the configuration says (tests, benchmarks). Default: from configuration.
  std::optional<rpc::FailoverOptions> failover;
  // Told each retry wait ("Retrying in 2000ms after 3 failover attempt(s)."). Default: none.
  std::function<void(const std::string&)> on_retry;
  // The user the requests are made as. Default: $USER, else the process's user name.
  std::optional<std::string> user_name;
};

// The failover options of ozone.client.* / ozone.om.client.* in `conf`.
Result<rpc::FailoverOptions> OmFailoverOptions(const config::Configuration& conf);

// OK, or the Status a failed response stands for ("<CODE> <message>").
Status StatusOfOmResponse(const om::OMResponse& response);

class OmClient {
 public:
  struct Node {
    std::string node_id;  // om1 ("" for a single address)
    std::string address;  // host:port of its client RPC
  };

  static Result<std::unique_ptr<OmClient>> Create(const config::Configuration& conf,
                                                  OmClientOptions options = {});
  ~OmClient();

  const std::string& service_id() const { return service_id_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::string& client_id() const { return client_id_; }
  const std::string& user_name() const { return user_name_; }
  // The OM calls go to first: the one that last answered (the leader, once a write went through).
  const Node& current_node() const;

  // Sends `request` (cmdType and its body set) to the leader, adding the client id, a new call
  // id and the user. The response when its status is OK, else StatusOfOmResponse's error.
  Result<om::OMResponse> Submit(om::OMRequest request);
  // Submit on one OM only, no failover (`ozone admin om` asks each OM for itself).
  Result<om::OMResponse> SubmitTo(size_t node_index, om::OMRequest request);

  // --- volumes ---
  Status CreateVolume(const om::VolumeInfo& volume);
  Result<om::VolumeInfo> InfoVolume(const std::string& volume);
  Status SetVolumeProperty(const om::SetVolumePropertyRequest& request);
  Status DeleteVolume(const std::string& volume);
  Result<std::vector<om::VolumeInfo>> ListVolumes(const om::ListVolumeRequest& request);
  // --- buckets ---
  Status CreateBucket(const om::BucketInfo& bucket);
  Result<om::BucketInfo> InfoBucket(const std::string& volume, const std::string& bucket);
  Status SetBucketProperty(const om::BucketArgs& args);
  Status DeleteBucket(const std::string& volume, const std::string& bucket);
  Result<std::vector<om::BucketInfo>> ListBuckets(const om::ListBucketsRequest& request);
  // --- keys ---
  // Opens a key for writing; the response names the open session (ID) and any blocks.
  Result<om::CreateKeyResponse> OpenKey(const om::KeyArgs& args);
  Status CommitKey(const om::KeyArgs& args, uint64_t client_id);
  Result<om::KeyLocation> AllocateBlock(const om::KeyArgs& args, uint64_t client_id);
  Result<om::KeyInfo> LookupKey(const om::KeyArgs& args);
  Status DeleteKey(const om::KeyArgs& args);
  Status RenameKey(const om::KeyArgs& args, const std::string& to_key_name);
  Result<om::ListKeysResponse> ListKeys(const om::ListKeysRequest& request);
  // --- service ---
  Result<om::ServiceListResponse> ServiceList();

 private:
  OmClient() = default;
  void Stamp(om::OMRequest& request);

  std::string service_id_;
  std::vector<Node> nodes_;
  std::string client_id_;
  std::string user_name_;
  std::atomic<uint64_t> next_call_id_{1};
  std::unique_ptr<rpc::FailoverClient> rpc_;
};

}  // namespace ozone::client
