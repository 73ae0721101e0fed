#include "tools/admin/admin_format.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "common/uuid.h"

namespace ozone::tools::admin {

std::string PipelineIdText(const hdds::PipelineID& id) {
  if (id.has_id()) return id.id();
  if (id.has_uuid128()) {
    return Uuid(static_cast<uint64_t>(id.uuid128().mostsigbits()),
                static_cast<uint64_t>(id.uuid128().leastsigbits()))
        .ToString();
  }
  return "";
}

std::string PipelineStateText(hdds::PipelineState state) {
  std::string name = hdds::PipelineState_Name(state);
  constexpr std::string_view kPrefix = "PIPELINE_";
  if (name.rfind(kPrefix, 0) == 0) name = name.substr(kPrefix.size());
  return name;
}

std::string ReplicationText(hdds::ReplicationType type, hdds::ReplicationFactor factor) {
  return hdds::ReplicationType_Name(type) + "/" + hdds::ReplicationFactor_Name(factor);
}

std::string DatanodeText(const hdds::DatanodeDetailsProto& dn) {
  return dn.uuid() + "(" + dn.hostname() + "/" + dn.ipaddress() + ")";
}

std::string DatanodeShortText(const hdds::DatanodeDetailsProto& dn) {
  return dn.uuid() + "/" + dn.hostname();
}

std::string ZonedTimeText(int64_t millis) {
  std::time_t secs = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ[UTC]", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis % 1000));
  return buf;
}

std::string PipelineText(const hdds::Pipeline& p) {
  std::string s = "Pipeline[ Id: " + PipelineIdText(p.id()) + ", Nodes: ";
  for (const auto& dn : p.members()) s += DatanodeText(dn);
  s += ", ReplicationConfig: " + ReplicationText(p.type(), p.factor());
  s += ", State:" + PipelineStateText(p.state());
  s += ", leaderId:" + p.leaderid();
  s += ", CreationTimestamp" + ZonedTimeText(static_cast<int64_t>(p.creationtimestamp()));
  s += "]";
  return s;
}

json::Json ContainerJson(const hdds::ContainerInfoProto& c) {
  json::Json j = json::Json::object();
  j["state"] = hdds::LifeCycleState_Name(c.state());
  if (c.has_stateentertime()) j["stateEnterTime"] = ZonedTimeText(c.stateentertime());
  if (c.has_pipelineid()) j["pipelineID"] = json::Json{{"id", PipelineIdText(c.pipelineid())}};
  int required = c.replicationfactor() == hdds::THREE ? 3 : 1;
  j["replicationConfig"] =
      json::Json{{"replicationFactor", hdds::ReplicationFactor_Name(c.replicationfactor())},
                 {"requiredNodes", required},
                 {"replicationType", hdds::ReplicationType_Name(c.replicationtype())}};
  j["usedBytes"] = c.usedbytes();
  j["numberOfKeys"] = c.numberofkeys();
  j["owner"] = c.owner();
  j["containerID"] = c.containerid();
  j["deleteTransactionId"] = c.deletetransactionid();
  j["sequenceId"] = c.sequenceid();
  j["open"] = c.state() == hdds::OPEN;
  return j;
}

std::string ReplicaStateText(scm::ContainerReplicaState state) {
  std::string name = scm::ContainerReplicaState_Name(state);
  constexpr std::string_view kPrefix = "REPLICA_";
  if (name.rfind(kPrefix, 0) == 0) name = name.substr(kPrefix.size());
  return name;
}

}  // namespace ozone::tools::admin
