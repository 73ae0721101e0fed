#include "tools/sh/ozone_address.h"

#include <algorithm>

#include "common/config/ozone_keys.h"

namespace ozone::tools::sh {

namespace {

constexpr int kDefaultOmPort = 9862;

Status Invalid(const std::string& message) { return Status::InvalidArgument(message); }

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

Result<OzoneAddress> OzoneAddress::Parse(const std::string& text) {
  OzoneAddress a;
  size_t start = 0;
  // A scheme is "<name>:" directly followed by a slash.
  const size_t colon = text.find(':');
  const size_t slash = text.find('/');
  if (colon != std::string::npos && colon > 0 && slash == colon + 1) {
    a.scheme_ = text.substr(0, colon);
    start = colon + 1;
  }
  // An authority follows "//" (when something comes after it).
  if (text.compare(start, 2, "//") == 0 && text.size() - start > 2) {
    start += 2;
    const size_t next = text.find('/', start);
    const size_t end = next == std::string::npos ? text.size() : next;
    std::string authority = text.substr(start, end - start);
    start = end;
    if (const size_t c = authority.rfind(':'); c != std::string::npos) {
      const std::string port = authority.substr(c + 1);
      authority.resize(c);
      if (port.empty() || port.size() > 5 ||
          !std::all_of(port.begin(), port.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
        return Invalid("Invalid URI: " + text);
      }
      a.port_ = std::stoi(port);
    }
    a.host_ = authority;
  }
  std::string path = text.substr(start);
  path.erase(0, path.find_first_not_of('/') == std::string::npos ? path.size()
                                                                  : path.find_first_not_of('/'));
  const size_t sep1 = path.find('/');
  if (sep1 == std::string::npos) {
    a.volume_ = path;
  } else {
    a.volume_ = path.substr(0, sep1);
    const size_t sep2 = path.find('/', sep1 + 1);
    if (sep2 == std::string::npos) {
      a.bucket_ = path.substr(sep1 + 1);
    } else {
      a.bucket_ = path.substr(sep1 + 1, sep2 - sep1 - 1);
      a.key_ = path.substr(sep2 + 1);
    }
  }
  return a;
}

Status OzoneAddress::EnsureVolumeAddress() const {
  if (!key_.empty() || !bucket_.empty()) {
    return Invalid("Invalid volume name. Delimiters (/) not allowed in volume name");
  }
  if (volume_.empty()) return Invalid("Volume name is required");
  return Status::OK();
}

Status OzoneAddress::EnsureBucketAddress() const {
  if (!key_.empty()) return Invalid("Invalid bucket name. Delimiters (/) not allowed in bucket name");
  if (volume_.empty()) return Invalid("Volume name is required.");
  if (bucket_.empty()) return Invalid("Bucket name is required.");
  return Status::OK();
}

Status OzoneAddress::EnsureKeyAddress() const {
  if (key_.empty()) return Invalid("Key name is missing.");
  if (volume_.empty()) return Invalid("Volume name is missing");
  if (bucket_.empty()) return Invalid("Bucket name is missing");
  return Status::OK();
}

Status OzoneAddress::EnsurePrefixAddress() const {
  if (key_.empty()) return Invalid("prefix name is missing.");
  if (volume_.empty()) return Invalid("Volume name is missing");
  if (bucket_.empty()) return Invalid("Bucket name is missing");
  return Status::OK();
}

Status OzoneAddress::EnsureVolumeOrBucketAddress() const {
  if (!key_.empty()) return Invalid("Key address is not supported.");
  if (volume_.empty()) return Invalid("Volume name is missing.");
  return Status::OK();
}

Status OzoneAddress::EnsureRootAddress() const {
  if (!key_.empty() || !bucket_.empty() || !volume_.empty()) {
    return Invalid("Invalid URI. Volume/bucket/key elements should not been used");
  }
  return Status::OK();
}

Result<OmTarget> OzoneAddress::ResolveOm(const config::Configuration& conf,
                                         const std::string& service_id_option) const {
  if (scheme_ == "http" || scheme_ == "https") {
    return Invalid(
        "REST schema is not supported any more. Please use AWS S3 protocol if you need REST "
        "interface.");
  }
  if (scheme_ != "o3") {
    return Invalid("Invalid URI, unknown protocol scheme: " + scheme_ + ". Use o3:// as the scheme");
  }
  const std::vector<std::string> service_ids = conf.GetStrings(config::keys::kOmServiceIds);
  if (!host_.empty()) {
    if (Contains(service_ids, host_)) {
      if (port_) {
        return Invalid("Port " + std::to_string(*port_) + " specified in URI but host '" + host_ +
                       "' is a logical (HA) OzoneManager and does not use port information.");
      }
      return OmTarget{host_, ""};
    }
    return OmTarget{"", host_ + ":" + std::to_string(port_.value_or(kDefaultOmPort))};
  }
  if (!service_id_option.empty()) {
    if (!Contains(service_ids, service_id_option)) {
      std::string configured;
      for (const auto& s : service_ids) configured += (configured.empty() ? "" : ", ") + s;
      return Invalid("Service ID specified does not match with ozone.om.service.ids defined in "
                     "the configuration. Configured ozone.om.service.ids are [" +
                     configured + "]");
    }
    return OmTarget{service_id_option, ""};
  }
  if (auto internal = conf.Get(config::keys::kOmInternalServiceId); internal && !internal->empty()) {
    return OmTarget{*internal, ""};
  }
  if (service_ids.size() > 1) {
    return Invalid(
        "Service ID or host name must not be omitted when multiple ozone.om.service.ids is "
        "defined.");
  }
  if (service_ids.size() == 1) return OmTarget{service_ids.front(), ""};
  std::string address = conf.GetString(config::keys::kOmAddress);
  if (address.find(':') == std::string::npos) address += ":" + std::to_string(kDefaultOmPort);
  return OmTarget{"", address};
}

}  // namespace ozone::tools::sh
