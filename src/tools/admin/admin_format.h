// How `ozone admin` prints SCM's objects, in the words and shapes of Ozone's Java toString() and
// Jackson output: pipelines ("Pipeline[ Id: ..., Nodes: ..., ReplicationConfig: RATIS/THREE,
// State:OPEN, leaderId:..., CreationTimestamp...]"), datanodes ("<uuid>(<host>/<ip>)"),
// containers as JSON, roles lines ("host:ratisPort:ROLE:peerId:ip").
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "common/json/jackson_printer.h"
#include "hdds.pb.h"
#include "scm.pb.h"

namespace ozone::tools::admin {

// The UUID text of a pipeline id.
std::string PipelineIdText(const hdds::PipelineID& id);
// Java's PipelineState names: ALLOCATED, OPEN, DORMANT, CLOSED.
std::string PipelineStateText(hdds::PipelineState state);
// "RATIS/THREE", "STAND_ALONE/ONE".
std::string ReplicationText(hdds::ReplicationType type, hdds::ReplicationFactor factor);
// "<uuid>(<host>/<ip>)" (DatanodeDetails.toString()).
std::string DatanodeText(const hdds::DatanodeDetailsProto& dn);
// "<uuid>/<host>" (the container info command's form).
std::string DatanodeShortText(const hdds::DatanodeDetailsProto& dn);
// Java's ZonedDateTime.toString() in UTC of epoch milliseconds: 2024-03-16T10:19:33.116Z[UTC].
std::string ZonedTimeText(int64_t millis);
// One pipeline as Ozone's Pipeline.toString().
std::string PipelineText(const hdds::Pipeline& pipeline);
// A container as Ozone's ContainerInfo in JSON.
json::Json ContainerJson(const hdds::ContainerInfoProto& info);
std::string ReplicaStateText(scm::ContainerReplicaState state);

}  // namespace ozone::tools::admin
