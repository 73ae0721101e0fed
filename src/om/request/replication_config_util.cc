#include "om/request/replication_config_util.h"

#include <cctype>
#include <charconv>

namespace ozone::om {

namespace {

std::string ChunkString(int32_t bytes) {
  if (bytes % 1024 == 0) return std::to_string(bytes / 1024) + "k";
  return std::to_string(bytes);
}

std::optional<int64_t> Number(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Result<hdds::ECReplicationConfig> ParseEc(std::string_view s) {
  // <codec>-<data>-<parity>-<chunk size>[k|m]
  std::string text(s);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t a = text.find('-'), b = text.find('-', a + 1), c = text.find('-', b + 1);
  if (a == std::string::npos || b == std::string::npos || c == std::string::npos) {
    return ozone::Status::InvalidArgument("Invalid EC replication config: " + std::string(s));
  }
  auto data = Number(std::string_view(text).substr(a + 1, b - a - 1));
  auto parity = Number(std::string_view(text).substr(b + 1, c - b - 1));
  std::string chunk = text.substr(c + 1);
  int64_t unit = 1;
  if (!chunk.empty() && chunk.back() == 'k') unit = 1024, chunk.pop_back();
  else if (!chunk.empty() && chunk.back() == 'm') unit = 1024 * 1024, chunk.pop_back();
  auto size = Number(chunk);
  if (!data || !parity || !size) {
    return ozone::Status::InvalidArgument("Invalid EC replication config: " + std::string(s));
  }
  hdds::ECReplicationConfig ec;
  ec.set_codec(text.substr(0, a));
  ec.set_data(static_cast<int32_t>(*data));
  ec.set_parity(static_cast<int32_t>(*parity));
  ec.set_ecchunksize(static_cast<int32_t>(*size * unit));
  return ec;
}

}  // namespace

std::string ReplicationString(const DefaultReplicationConfig& config) {
  if (config.type() == hdds::EC) {
    const auto& ec = config.ecreplicationconfig();
    return ec.codec() + "-" + std::to_string(ec.data()) + "-" + std::to_string(ec.parity()) +
           "-" + ChunkString(ec.ecchunksize());
  }
  return hdds::ReplicationFactor_Name(config.factor());
}

std::string ReplicationConfigString(const DefaultReplicationConfig& config) {
  return hdds::ReplicationType_Name(config.type()) + "/" + ReplicationString(config);
}

Result<DefaultReplicationConfig> ParseReplicationConfig(std::string_view type,
                                                        std::string_view replication) {
  DefaultReplicationConfig out;
  std::string t = Upper(type);
  std::string r = Upper(replication);
  bool ec_like = r.find('-') != std::string::npos;
  if (t.empty()) t = ec_like ? "EC" : "RATIS";
  hdds::ReplicationType parsed_type;
  if (!hdds::ReplicationType_Parse(t, &parsed_type)) {
    return ozone::Status::InvalidArgument("Unsupported replication type: " + std::string(type));
  }
  out.set_type(parsed_type);
  if (parsed_type == hdds::EC) {
    OZ_ASSIGN_OR_RETURN(*out.mutable_ecreplicationconfig(), ParseEc(replication));
    return out;
  }
  if (r.empty()) r = "THREE";
  if (r == "1") r = "ONE";
  if (r == "3") r = "THREE";
  hdds::ReplicationFactor factor;
  if (!hdds::ReplicationFactor_Parse(r, &factor) || factor == hdds::ZERO) {
    return ozone::Status::InvalidArgument("Invalid replication " + std::string(replication) +
                                          " for type " + t);
  }
  out.set_factor(factor);
  return out;
}

std::optional<std::string> CheckReplicationConfig(const DefaultReplicationConfig& config) {
  if (!config.has_type()) return std::string("Replication type is missing");
  switch (config.type()) {
    case hdds::RATIS:
      if (config.factor() != hdds::ONE && config.factor() != hdds::THREE) {
        return "Invalid replication factor " + hdds::ReplicationFactor_Name(config.factor()) +
               " for RATIS";
      }
      return std::nullopt;
    case hdds::STAND_ALONE:
      if (config.factor() != hdds::ONE) return std::string("STAND_ALONE supports factor ONE only");
      return std::nullopt;
    case hdds::EC: {
      if (!config.has_ecreplicationconfig()) return std::string("EC replication config missing");
      const auto& ec = config.ecreplicationconfig();
      if (ec.codec() != "rs" && ec.codec() != "xor") return "Unsupported EC codec " + ec.codec();
      if (ec.data() <= 0 || ec.parity() <= 0 || ec.data() + ec.parity() > 32) {
        return "Invalid EC data/parity " + std::to_string(ec.data()) + "-" +
               std::to_string(ec.parity());
      }
      if (ec.ecchunksize() <= 0 || ec.ecchunksize() % 1024 != 0) {
        return "EC chunk size should be a positive multiple of 1024: " +
               std::to_string(ec.ecchunksize());
      }
      return std::nullopt;
    }
    default:
      return "Unsupported replication type " + hdds::ReplicationType_Name(config.type());
  }
}

uint64_t RequiredNodes(const DefaultReplicationConfig& config) {
  if (config.type() == hdds::EC) {
    return static_cast<uint64_t>(config.ecreplicationconfig().data() +
                                 config.ecreplicationconfig().parity());
  }
  return config.factor() == hdds::THREE ? 3 : 1;
}

DefaultReplicationConfig ReplicationOf(const KeyInfo& key) {
  DefaultReplicationConfig c;
  c.set_type(key.type());
  if (key.type() == hdds::EC) {
    *c.mutable_ecreplicationconfig() = key.ecreplicationconfig();
  } else {
    c.set_factor(key.has_factor() ? key.factor() : hdds::ONE);
  }
  return c;
}

void SetReplication(KeyArgs& args, const DefaultReplicationConfig& config) {
  args.set_type(config.type());
  if (config.type() == hdds::EC) {
    *args.mutable_ecreplicationconfig() = config.ecreplicationconfig();
    args.clear_factor();
  } else {
    args.set_factor(config.factor());
    args.clear_ecreplicationconfig();
  }
}

}  // namespace ozone::om
