#include "storage/db_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/version.h>

#include <algorithm>
#include <filesystem>

#include "storage/rocks_status.h"

namespace ozone::storage {

namespace fs = std::filesystem;

namespace {

rocksdb::Options MakeOptions(const DBOptions& o) {
  rocksdb::Options options;
  options.create_if_missing = o.create_if_missing;
  options.create_missing_column_families = o.create_if_missing;
  options.max_background_jobs = o.max_background_jobs;
  options.keep_log_file_num = 10;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(o.block_cache_bytes);
  // Bloom filters, 10 bits per key (Ozone's DBProfile): a lookup of an absent key, which every
  // new key's commit makes (is there a key to replace?), reads no data block of the files that
  // cannot hold it.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // And a whole-key Bloom filter in each memtable (0.5% of the write buffer, ~330 KiB per column
  // family: ~9 bits per row of a full 64 MiB buffer of ~200-byte rows), so that such a lookup
  // skips the memtable's skip list too (bench/README.md, 2026-11-22 afternoon).
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.005;
  return options;
}

// NotFound if there is no DB at `path`; InvalidArgument if it exists but is not a RocksDB DB.
Status CheckExists(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::NotFound("DB " + path + " does not exist");
  if (!fs::is_directory(path, ec)) {
    return Status::InvalidArgument("DB " + path + " is not a directory");
  }
  if (!fs::exists(fs::path(path) / "CURRENT", ec)) {
    if (fs::is_empty(path, ec)) return Status::NotFound("DB " + path + " does not exist (empty)");
    return Status::Corruption("DB " + path + " has no CURRENT file: not a RocksDB database");
  }
  return Status::OK();
}

}  // namespace

std::string RocksDbVersion() {
  return std::to_string(ROCKSDB_MAJOR) + "." + std::to_string(ROCKSDB_MINOR) + "." +
         std::to_string(ROCKSDB_PATCH);
}

DBStore::~DBStore() {
  tables_.clear();
  for (auto* h : handles_) {
    if (db_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  handles_.clear();
  if (db_) db_->Close().PermitUncheckedError();
}

Result<std::vector<std::string>> DBStore::ListColumnFamilies(const std::string& path) {
  OZ_RETURN_IF_ERROR(CheckExists(path));
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
  if (!s.ok()) return FromRocks(s, "list column families", path);
  return names;
}

Result<std::unique_ptr<DBStore>> DBStore::Open(const std::string& path,
                                               const DBDefinition& definition,
                                               const DBOptions& options) {
  std::vector<std::string> names{rocksdb::kDefaultColumnFamilyName};
  Status exists = CheckExists(path);
  if (exists.ok()) {
    OZ_ASSIGN_OR_RETURN(auto on_disk, ListColumnFamilies(path));
    for (auto& n : on_disk) {
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    }
  } else if (!exists.IsNotFound() || !options.create_if_missing || options.read_only) {
    return exists;
  }
  for (const auto& cf : definition.column_families()) {
    if (std::find(names.begin(), names.end(), cf.name) == names.end()) names.push_back(cf.name);
  }
  if (options.read_only) {
    // A read-only open cannot create families: open only those the DB has.
    OZ_ASSIGN_OR_RETURN(names, ListColumnFamilies(path));
  }

  rocksdb::Options rocks_options = MakeOptions(options);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& n : names) {
    descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions(rocks_options));
  }
  if (!options.read_only) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec) return Status::IoError("cannot create DB directory " + path + ": " + ec.message());
  }

  std::unique_ptr<DBStore> store(new DBStore());
  store->path_ = path;
  store->read_only_ = options.read_only;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(rocks_options, path, descriptors, &store->handles_, &raw)
          : rocksdb::DB::Open(rocks_options, path, descriptors, &store->handles_, &raw);
  if (!s.ok()) return FromRocks(s, "open", path);
  store->db_.reset(raw);
  store->names_ = names;
  for (size_t i = 0; i < names.size(); ++i) {
    store->tables_.emplace(names[i],
                           std::make_unique<RawTable>(raw, store->handles_[i], names[i], path));
  }
  return store;
}

Result<std::unique_ptr<DBStore>> DBStore::OpenReadOnly(const std::string& path) {
  DBOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  return Open(path, DBDefinition("", {}), options);
}

std::vector<std::string> DBStore::ColumnFamilyNames() const { return names_; }

Result<RawTable*> DBStore::Table(std::string_view name) const {
  auto it = tables_.find(name);
  if (it == tables_.end()) {
    return Status::NotFound("DB " + path_ + " has no column family '" + std::string(name) + "'");
  }
  return it->second.get();
}

Status DBStore::Commit(WriteBatch& batch, const CommitOptions& options) {
  if (read_only_) return Status::InvalidArgument("DB " + path_ + " is open read-only");
  rocksdb::WriteOptions wo;
  wo.sync = options.sync;
  return FromRocks(db_->Write(wo, batch.rep()), "write batch", path_);
}

Status DBStore::SyncWal() {
  if (read_only_) return Status::OK();
  return FromRocks(db_->FlushWAL(/*sync=*/true), "sync the WAL", path_);
}

Status DBStore::Flush() {
  if (read_only_) return Status::OK();
  rocksdb::FlushOptions fo;
  return FromRocks(db_->Flush(fo, handles_), "flush", path_);
}

Status DBStore::CreateCheckpoint(const std::string& dir) const {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    return Status::AlreadyExists("checkpoint directory " + dir + " already exists");
  }
  std::string abs = fs::absolute(dir, ec).string();
  if (!read_only_) {
    rocksdb::Checkpoint* raw = nullptr;
    OZ_RETURN_IF_ERROR(
        FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint", path_));
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    return FromRocks(checkpoint->CreateCheckpoint(abs), "checkpoint to " + abs, path_);
  }
  // A read-only instance cannot pin files against the owner's compactions, so copy the data
  // it sees (a consistent snapshot as of opening) into a fresh DB.
  std::vector<ColumnFamilySpec> specs;
  for (const auto& n : names_) {
    if (n != rocksdb::kDefaultColumnFamilyName) specs.push_back({n, nullptr, nullptr});
  }
  DBDefinition def("checkpoint", specs);
  OZ_ASSIGN_OR_RETURN(auto copy, Open(abs, def));
  constexpr size_t kBatchBytes = 4 << 20;
  for (const auto& n : names_) {
    OZ_ASSIGN_OR_RETURN(RawTable * from, Table(n));
    OZ_ASSIGN_OR_RETURN(RawTable * to, copy->Table(n));
    WriteBatch batch;
    auto it = from->NewIterator();
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      batch.Put(*to, it->key(), it->value());
      if (batch.ByteSize() >= kBatchBytes) {
        OZ_RETURN_IF_ERROR(copy->Commit(batch, {.sync = false}));
        batch.Clear();
      }
    }
    OZ_RETURN_IF_ERROR(it->status());
    OZ_RETURN_IF_ERROR(copy->Commit(batch, {.sync = false}));
  }
  return copy->Flush();
}

}  // namespace ozone::storage
