#include "ha/testing/kv_apply_handler.h"

#include <sstream>
#include <vector>

#include "common/strings.h"
#include "hdds.pb.h"
#include "storage/codec.h"

namespace ozone::ha::testing {

namespace {

std::vector<std::string> Split(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  std::string word;
  while (in >> word) out.push_back(word);
  return out;
}

}  // namespace

const storage::DBDefinition& KvDbDefinition() {
  using storage::BytesCodec;
  using storage::ProtoCodec;
  using storage::StringCodec;
  using storage::TableSpec;
  using storage::Uint64Codec;
  static const storage::DBDefinition def(
      "kv.db",
      {TableSpec<StringCodec, StringCodec>{kKvTable}.Erase(),
       TableSpec<StringCodec, ProtoCodec<hdds::TransactionInfo>>{kKvTransactionInfoTable}.Erase(),
       TableSpec<StringCodec, Uint64Codec>{kKvSequenceIdTable}.Erase(),
       TableSpec<StringCodec, BytesCodec>{kKvServiceConfigTable}.Erase()});
  return def;
}

KvApplyHandler::KvApplyHandler()
    : sequence_ids_(kKvSequenceIdTable), service_configs_(kKvServiceConfigTable) {}

Result<std::string> KvApplyHandler::Apply(std::string_view payload, ApplyContext& ctx) {
  std::vector<std::string> w = Split(payload);
  {
    std::lock_guard<std::mutex> l(mu_);
    ++applies_;
  }
  if (w.empty()) return std::string("?");
  const std::string& op = w[0];
  if ((op == "put" || op == "putflush") && w.size() == 3) {
    OZ_ASSIGN_OR_RETURN(storage::RawTable * table, ctx.db->Table(kKvTable));
    ctx.batch->Put(*table, w[1], w[2]);
    if (op == "putflush") ctx.flush_after = true;
    std::lock_guard<std::mutex> l(mu_);
    std::string previous = data_.count(w[1]) ? data_[w[1]] : "";
    data_[w[1]] = w[2];
    return previous;
  }
  if (op == "del" && w.size() == 2) {
    OZ_ASSIGN_OR_RETURN(storage::RawTable * table, ctx.db->Table(kKvTable));
    ctx.batch->Delete(*table, w[1]);
    std::lock_guard<std::mutex> l(mu_);
    data_.erase(w[1]);
    return std::string();
  }
  if (op == "get" && w.size() == 2) {
    std::lock_guard<std::mutex> l(mu_);
    auto it = data_.find(w[1]);
    return it == data_.end() ? std::string() : it->second;
  }
  if (op == "alloc" && w.size() == 4) {
    auto expected = strings::ParseUint64(w[2]);
    auto next = strings::ParseUint64(w[3]);
    if (!expected || !next) return std::string("?");
    OZ_ASSIGN_OR_RETURN(bool ok,
                        sequence_ids_.AllocateBatch(*ctx.db, *ctx.batch, w[1], *expected, *next));
    return std::string(ok ? "1" : "0");
  }
  if (op == "svcsave" && w.size() == 3) {
    OZ_RETURN_IF_ERROR(service_configs_.ApplySave(ctx, w[1], w[2]));
    return std::string();
  }
  if (op == "svcdel" && w.size() == 2) {
    OZ_RETURN_IF_ERROR(service_configs_.ApplyDelete(ctx, w[1]));
    return std::string();
  }
  if (op == "fail") return Status::IoError("the toy handler was told to fail");
  return std::string("?");
}

Status KvApplyHandler::Reload(storage::DBStore& db) {
  OZ_ASSIGN_OR_RETURN(Map data, ReadKvTable(db));
  OZ_RETURN_IF_ERROR(sequence_ids_.Reload(db));
  std::lock_guard<std::mutex> l(mu_);
  data_ = std::move(data);
  ++reloads_;
  return Status::OK();
}

void KvApplyHandler::OnFlushed() {
  std::lock_guard<std::mutex> l(mu_);
  ++flushes_;
}

std::optional<std::string> KvApplyHandler::Get(const std::string& key) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = data_.find(key);
  if (it == data_.end()) return std::nullopt;
  return it->second;
}

KvApplyHandler::Map KvApplyHandler::data() const {
  std::lock_guard<std::mutex> l(mu_);
  return data_;
}

uint64_t KvApplyHandler::reloads() const {
  std::lock_guard<std::mutex> l(mu_);
  return reloads_;
}

uint64_t KvApplyHandler::flushes() const {
  std::lock_guard<std::mutex> l(mu_);
  return flushes_;
}

uint64_t KvApplyHandler::applies() const {
  std::lock_guard<std::mutex> l(mu_);
  return applies_;
}

Result<KvApplyHandler::Map> ReadKvTable(storage::DBStore& db) {
  OZ_ASSIGN_OR_RETURN(storage::RawTable * table, db.Table(kKvTable));
  KvApplyHandler::Map out;
  auto it = table->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out[std::string(it->key())] = std::string(it->value());
  }
  OZ_RETURN_IF_ERROR(it->status());
  return out;
}

Result<TransactionInfo> ReadStoredTransactionInfo(storage::DBStore& db) {
  OZ_ASSIGN_OR_RETURN(storage::RawTable * table, db.Table(kKvTransactionInfoTable));
  OZ_ASSIGN_OR_RETURN(std::optional<std::string> bytes, table->Get(kTransactionInfoKey));
  if (!bytes) return TransactionInfo{};
  return DecodeTransactionInfo(*bytes);
}

}  // namespace ozone::ha::testing
