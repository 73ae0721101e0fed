// OmRequestFactory: the request class of an OMRequest by its cmdType (Ozone's
// OzoneManagerRatisUtils.createClientRequest), and which commands are reads.
//
// Thread-safety: pure functions.
#pragma once

#include <memory>
#include <variant>

#include "om.pb.h"
#include "om/request/key/key_request_util.h"
#include "om/request/om_client_request.h"

namespace ozone::om {

// Reads are served from the cache and om.db of the node asked (not replicated).
bool IsReadCommand(Type type);
// Commands the OM core does not serve itself (ServiceList, TransferLeadership: the server's).
bool IsServerCommand(Type type);
// Writes whose PreExecute calls SCM (blocks for an RPC round trip): CreateKey, AllocateBlock.
bool PreExecuteCallsScm(Type type);

// The request object of a write, or INVALID_REQUEST when the command is not a write this OM
// knows or its payload is missing (a malformed request changes nothing).
std::variant<std::unique_ptr<OmClientRequest>, OmFailure> CreateWriteRequest(OMRequest request);

}  // namespace ozone::om
