#include "tools/admin/om_admin_client.h"

#include <algorithm>
#include <chrono>
#include <ostream>

#include "common/config/ozone_keys.h"
#include "common/strings.h"

namespace ozone::tools::admin {

namespace keys = config::keys;

namespace {

// OzoneManagerService.Submit, found through the messages' file (no gRPC header here).
const google::protobuf::MethodDescriptor* SubmitMethod() {
  static const auto* m = om::OMRequest::descriptor()
                             ->file()
                             ->FindServiceByName("OzoneManagerService")
                             ->FindMethodByName("Submit");
  return m;
}

Result<om::OMResponse> OkOrError(om::OMResponse response) {
  if (response.status() != om::OK) {
    return Status::FailedPrecondition(om::Status_Name(response.status()) + " " +
                                      response.message());
  }
  return response;
}

}  // namespace

void AddOmOptions(CLI::App* app, OmArgs* args) {
  app->add_option("--service-id,--om-service-id", args->service_id, "Ozone Manager Service ID");
}

// The OMs of the service the user means (Ozone's OmUtils / admin OM client rules).
Result<std::vector<topology::OmNodeDetails>> OmNodesOf(const config::Configuration& conf,
                                                       const std::string& service_id) {
  std::vector<std::string> ids = topology::OmServiceIds(conf);
  std::string svc = service_id;
  if (svc.empty()) {
    if (ids.size() > 1) {
      return Status::InvalidArgument(
          "There is no Ozone Manager service ID specified, but there are multiple service IDs "
          "configured (" + std::string(keys::kOmServiceIds.name) + "=" + strings::Join(ids, ",") +
          "): no Ozone Manager service ID specified; use -id <serviceId>");
    }
    if (ids.empty()) {
      OZ_ASSIGN_OR_RETURN(auto all, topology::AllOmNodes(conf));
      if (all.empty()) {
        return Status::InvalidArgument("Could not find any configured addresses for OM.");
      }
      return all;
    }
    svc = ids[0];
  } else if (std::find(ids.begin(), ids.end(), svc) == ids.end()) {
    return Status::InvalidArgument(
        "Service ID specified does not match with " + std::string(keys::kOmServiceIds.name) +
        " defined in the configuration. Configured " + std::string(keys::kOmServiceIds.name) +
        " are [" + strings::Join(ids, ",") + "]");
  }
  Result<std::vector<topology::OmNodeDetails>> nodes = topology::OmNodes(conf, svc);
  if (!nodes.ok() || nodes->empty()) {
    return Status::InvalidArgument("Could not find any configured addresses for OM. Please "
                                   "configure the system with " +
                                   std::string(keys::kOmNodesPrefix) + "." + svc);
  }
  return nodes;
}

Result<std::unique_ptr<OmAdminClient>> OmAdminClient::Create(CommandContext& ctx,
                                                             const OmArgs& args) {
  OZ_ASSIGN_OR_RETURN(const config::Configuration* conf, ctx.conf());
  OZ_ASSIGN_OR_RETURN(auto nodes, OmNodesOf(*conf, args.service_id));
  std::vector<rpc::RpcEndpoint> endpoints;
  for (const auto& n : nodes) endpoints.push_back({n.node_id, n.rpc_address.ToString()});
  rpc::FailoverOptions fo;
  OZ_ASSIGN_OR_RETURN(fo.max_failovers, conf->GetInt(keys::kOmClientFailoverMaxAttempts));
  fo.max_failovers = std::min(fo.max_failovers, 20);  // ozone.om.admin.protocol.max.retries
  fo.retry_interval = std::chrono::milliseconds(1000);
  std::ostream* err = &ctx.err();
  fo.on_retry = [err](const std::string& line) { *err << line << "\n" << std::flush; };
  auto c = std::unique_ptr<OmAdminClient>(new OmAdminClient());
  c->client_ = std::make_unique<rpc::FailoverClient>(std::move(endpoints), fo);
  c->nodes_ = std::move(nodes);
  return c;
}

Status OmAdminClient::Call(const google::protobuf::MethodDescriptor* method,
                           const google::protobuf::Message& request,
                           google::protobuf::Message* response) {
  return client_->Call(method, request, response);
}

Result<om::OMResponse> OmAdminClient::Answer(om::OMRequest request) {
  request.set_clientid("ozone-admin");
  om::OMResponse response;
  OZ_RETURN_IF_ERROR(client_->Call(SubmitMethod(), request, &response));
  return response;
}

Result<om::OMResponse> OmAdminClient::Submit(om::OMRequest request) {
  OZ_ASSIGN_OR_RETURN(om::OMResponse response, Answer(std::move(request)));
  return OkOrError(std::move(response));
}

Result<om::OMResponse> OmAdminClient::SubmitTo(size_t index, om::OMRequest request) {
  request.set_clientid("ozone-admin");
  om::OMResponse response;
  rpc::CallOutcome outcome = client_->CallEndpoint(index, SubmitMethod(), request, &response);
  OZ_RETURN_IF_ERROR(outcome.status);
  return OkOrError(std::move(response));
}

}  // namespace ozone::tools::admin
