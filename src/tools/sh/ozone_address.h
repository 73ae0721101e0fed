// OzoneAddress: the address of a volume, bucket or key given to `ozone sh`, as Ozone parses it:
// `[o3://[<omServiceId> | <host>[:<port>]]]/<volume>[/<bucket>[/<key...>]]`, the leading slash
// optional (`vol1/bucket1/dir/key`), the key keeping its inner slashes. The Ensure* checks give
// Ozone's messages for an address of the wrong kind; ResolveOm picks the OM service or host the
// way Ozone's shell does from the configuration.
//
// Thread-safety: a value type.
#pragma once

#include <optional>
#include <string>

#include "common/config/configuration.h"
#include "common/result.h"

namespace ozone::tools::sh {

// Which OM to talk to: an HA service id (failover over its nodes) or one host:port.
struct OmTarget {
  std::string service_id;  // empty when `address` is set
  std::string address;     // host:port of a single OM
};

class OzoneAddress {
 public:
  // InvalidArgument("Ozone URI is needed to execute this command.") for an empty string is not
  // used: an empty address is the root ("o3:///").
  static Result<OzoneAddress> Parse(const std::string& address);

  const std::string& scheme() const { return scheme_; }  // "o3" when omitted
  const std::string& host() const { return host_; }      // empty when omitted
  std::optional<int> port() const { return port_; }
  const std::string& volume() const { return volume_; }
  const std::string& bucket() const { return bucket_; }
  const std::string& key() const { return key_; }

  // Ozone's checks of the address kind a command needs; InvalidArgument with Ozone's message.
  Status EnsureVolumeAddress() const;
  Status EnsureBucketAddress() const;
  Status EnsureKeyAddress() const;
  Status EnsurePrefixAddress() const;
  Status EnsureVolumeOrBucketAddress() const;
  Status EnsureRootAddress() const;

  // The OM the command goes to: the host if it is a configured service id (no port allowed),
  // else that host (port from the URI or ozone.om.address's default, 9862); without a host, the
  // only configured service id (`service_id_option`, from --om-service-id, wins), else
  // ozone.om.address. InvalidArgument for an unknown scheme or an ambiguous configuration.
  Result<OmTarget> ResolveOm(const config::Configuration& conf,
                             const std::string& service_id_option = "") const;

 private:
  std::string scheme_ = "o3";
  std::string host_;
  std::optional<int> port_;
  std::string volume_;
  std::string bucket_;
  std::string key_;
};

}  // namespace ozone::tools::sh
