#include "ha/transaction_info.h"

#include "hdds.pb.h"

namespace ozone::ha {

std::string TransactionInfo::ToString() const {
  return std::to_string(term.value()) + "#" + std::to_string(index.value());
}

std::string EncodeTransactionInfo(const TransactionInfo& info) {
  hdds::TransactionInfo proto;
  proto.set_term(static_cast<int64_t>(info.term.value()));
  proto.set_transactionindex(static_cast<int64_t>(info.index.value()));
  return proto.SerializeAsString();
}

Result<TransactionInfo> DecodeTransactionInfo(std::string_view bytes) {
  hdds::TransactionInfo proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Corruption("the TransactionInfo does not parse");
  }
  // Ozone's "nothing applied" is 0#-1.
  int64_t index = proto.transactionindex() == -1 ? 0 : proto.transactionindex();
  if (proto.term() < 0 || index < 0) {
    return Status::Corruption(
        "the TransactionInfo has a negative term or index: " + std::to_string(proto.term()) + "#" +
        std::to_string(proto.transactionindex()));
  }
  return TransactionInfo{Term(static_cast<uint64_t>(proto.term())),
                         LogIndex(static_cast<uint64_t>(index))};
}

}  // namespace ozone::ha
