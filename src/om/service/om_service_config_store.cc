#include "om/service/om_service_config_store.h"

namespace ozone::om {

ozone::Status OmServiceConfigStore::Submit(const std::string& service, std::string configuration,
                                           bool remove, const std::string* expected) {
  OMRequest request;
  request.set_cmdtype(SetServiceConfiguration);
  auto* r = request.mutable_setserviceconfigurationrequest();
  r->set_servicename(service);
  r->set_configuration(std::move(configuration));
  r->set_delete_(remove);
  if (expected != nullptr) r->set_expectedconfiguration(*expected);
  OZ_ASSIGN_OR_RETURN(OMResponse response, flow_->Write(std::move(request)));
  if (response.status() == SERVICE_CONFIGURATION_CHANGED) {
    return ozone::Status::Aborted(response.message());
  }
  if (response.status() != OK) {
    return ozone::Status::Internal("saving the configuration of " + service + ": " +
                                   Status_Name(response.status()) + " " + response.message());
  }
  return ozone::Status::OK();
}

ozone::Status OmServiceConfigStore::Save(const std::string& service, std::string configuration) {
  return Submit(service, std::move(configuration), false, nullptr);
}

ozone::Status OmServiceConfigStore::SaveIf(const std::string& service, std::string expected,
                                           std::string configuration) {
  return Submit(service, std::move(configuration), false, &expected);
}

ozone::Status OmServiceConfigStore::Delete(const std::string& service) {
  return Submit(service, "", true, nullptr);
}

Result<std::optional<std::string>> OmServiceConfigStore::Read(const std::string& service) const {
  OZ_ASSIGN_OR_RETURN(auto lock, metadata_->ReadLock());
  return state_->Read(*metadata_->db(), service);
}

}  // namespace ozone::om
