#include "om/service/om_service_config_store.h"

namespace ozone::om {

ozone::Status OmServiceConfigStore::Submit(const std::string& service, std::string configuration,
                                           bool remove) {
  OMRequest request;
  request.set_cmdtype(SetServiceConfiguration);
  auto* r = request.mutable_setserviceconfigurationrequest();
  r->set_servicename(service);
  r->set_configuration(std::move(configuration));
  r->set_delete_(remove);
  OZ_ASSIGN_OR_RETURN(OMResponse response, flow_->Write(std::move(request)));
  if (response.status() != OK) {
    return ozone::Status::Internal("saving the configuration of " + service + ": " +
                                   Status_Name(response.status()) + " " + response.message());
  }
  return ozone::Status::OK();
}

ozone::Status OmServiceConfigStore::Save(const std::string& service, std::string configuration) {
  return Submit(service, std::move(configuration), false);
}

ozone::Status OmServiceConfigStore::Delete(const std::string& service) {
  return Submit(service, "", true);
}

Result<std::optional<std::string>> OmServiceConfigStore::Read(const std::string& service) const {
  OZ_ASSIGN_OR_RETURN(auto lock, metadata_->ReadLock());
  return state_->Read(*metadata_->db(), service);
}

}  // namespace ozone::om
