// TransactionInfo: the (term, index) of the last Raft log entry whose effects a database holds.
// Stored under "#TRANSACTIONINFO" in the transaction-info table of scm.db (scmTransactionInfos)
// and om.db (transactionInfoTable), in the same batch as those effects, so a restart resumes
// the log right after it.
//
// Thread-safety: a value type.
#pragma once

#include <string>

#include "common/result.h"
#include "common/strong_id.h"

namespace ozone::ha {

inline constexpr char kTransactionInfoKey[] = "#TRANSACTIONINFO";

struct TransactionInfo {
  Term term;
  LogIndex index;

  bool operator==(const TransactionInfo&) const = default;
  auto operator<=>(const TransactionInfo&) const = default;
  // "term#index", as Ozone prints it.
  std::string ToString() const;
};

// The stored form (hdds::TransactionInfo). Decoding reads Ozone's "nothing applied" (0#-1) as
// index 0; Corruption for bytes that do not parse or other negative values.
std::string EncodeTransactionInfo(const TransactionInfo& info);
Result<TransactionInfo> DecodeTransactionInfo(std::string_view bytes);

}  // namespace ozone::ha
