#include "tools/debug/ldb/db_scanner.h"

#include <filesystem>
#include <fstream>
#include <ostream>

#include "storage/db_store.h"
#include "tools/debug/ldb/db_schemas.h"
#include "tools/debug/ldb/field_selector.h"
#include "tools/debug/ldb/record_filter.h"

namespace ozone::tools::ldb {

namespace {

std::string StripTrailingSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

struct Codecs {
  std::shared_ptr<const storage::FieldCodec> key;
  std::shared_ptr<const storage::FieldCodec> value;
};

Codecs CodecsFor(const std::string& db_path, const std::string& cf) {
  if (const storage::DBDefinition* schema = SchemaFor(db_path)) {
    if (const storage::ColumnFamilySpec* spec = schema->Find(cf)) {
      if (spec->key_codec && spec->value_codec) return {spec->key_codec, spec->value_codec};
    }
  }
  return {RawCodec(), RawCodec()};
}

std::string KeyText(const json::Json& key) {
  return key.is_string() ? key.get<std::string>() : key.dump();
}

}  // namespace

Status ListColumnFamilies(const std::string& db_path, std::ostream& out) {
  OZ_ASSIGN_OR_RETURN(auto names,
                      storage::DBStore::ListColumnFamilies(StripTrailingSlash(db_path)));
  for (const auto& n : names) out << n << "\n";
  return Status::OK();
}

Status Checkpoint(const std::string& db_path, const std::string& output_dir, std::ostream& out) {
  OZ_ASSIGN_OR_RETURN(auto store, storage::DBStore::OpenReadOnly(StripTrailingSlash(db_path)));
  OZ_RETURN_IF_ERROR(store->CreateCheckpoint(output_dir));
  out << "Created checkpoint at " << output_dir << "\n";
  return Status::OK();
}

Status Scan(const ScanOptions& options, std::ostream& stdout_stream) {
  if (options.limit < 1 && options.limit != -1) {
    return Status::InvalidArgument(
        "List length should be a positive number. Only allowed negative number is -1 which is "
        "to dump entire table");
  }
  std::string db_path = StripTrailingSlash(options.db_path);
  OZ_ASSIGN_OR_RETURN(auto store, storage::DBStore::OpenReadOnly(db_path));
  auto table = store->Table(options.column_family);
  if (!table.ok()) {
    return Status::NotFound("Error: Table with name '" + options.column_family + "' not found");
  }
  Codecs codecs = CodecsFor(db_path, options.column_family);
  auto check_path = [&](const std::vector<std::string>& path) {
    return codecs.value->CheckFieldPath(path);
  };

  std::optional<RecordFilter> filter;
  if (options.filter) {
    OZ_ASSIGN_OR_RETURN(auto f, RecordFilter::Parse(*options.filter, check_path));
    filter = std::move(f);
  }
  std::optional<FieldSelector> selector;
  if (options.fields) {
    OZ_ASSIGN_OR_RETURN(auto s, FieldSelector::Parse(*options.fields, check_path));
    selector = std::move(s);
  }
  storage::IterateOptions range;
  if (options.start_key) {
    OZ_ASSIGN_OR_RETURN(range.lower_bound, codecs.key->TextToBytes(*options.start_key));
  }
  std::optional<std::string> end_bytes;
  if (options.end_key) {
    OZ_ASSIGN_OR_RETURN(end_bytes, codecs.key->TextToBytes(*options.end_key));
  }

  std::ofstream file;
  if (options.out_file) {
    std::filesystem::path p(*options.out_file);
    std::error_code ec;
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
    file.open(*options.out_file, std::ios::trunc);
    if (!file) return Status::IoError("cannot write " + *options.out_file);
  }
  std::ostream& out = options.out_file ? file : stdout_stream;

  auto render = [&](const json::Json& v) {
    return options.compact ? json::CompactPrint(v) : json::PrettyPrint(v);
  };

  auto it = (*table)->NewIterator(range);
  int64_t printed = 0;
  bool first = true;
  if (!options.count) out << (options.with_keys ? "{ " : "[ ");
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (options.limit != -1 && printed >= options.limit) break;
    if (end_bytes && it->key() > std::string_view(*end_bytes)) break;
    auto value = codecs.value->BytesToJson(it->value());
    if (!value.ok()) {
      return value.status().WithContext("value of a record in " + options.column_family);
    }
    if (filter) {
      OZ_ASSIGN_OR_RETURN(bool keep, filter->Matches(*value));
      if (!keep) continue;
    }
    ++printed;
    if (options.count) continue;
    if (!first) out << ", ";
    first = false;
    if (options.with_keys) {
      auto key = codecs.key->BytesToJson(it->key());
      if (!key.ok()) return key.status().WithContext("key of a record in " + options.column_family);
      out << json::Json(KeyText(*key)).dump() << ": ";
    }
    out << render(selector ? selector->Project(*value) : *value);
  }
  OZ_RETURN_IF_ERROR(it->status());
  if (options.count) {
    out << printed << "\n";
  } else {
    out << (options.with_keys ? " }" : " ]") << "\n";
  }
  out.flush();
  if (!out) return Status::IoError("error writing the scan output");
  return Status::OK();
}

}  // namespace ozone::tools::ldb
