// The schema of a database: its name (scm.db, om.db) and its column families, each with the
// codecs of its keys and values. A TableSpec is the typed handle code uses to open a Table; a
// ColumnFamilySpec is its type-erased form, used by DBStore to create column families and by
// `ozone debug ldb` to decode any of them.
//
// Thread-safety: immutable after construction.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/codec.h"

namespace ozone::storage {

struct ColumnFamilySpec {
  std::string name;
  std::shared_ptr<const FieldCodec> key_codec;
  std::shared_ptr<const FieldCodec> value_codec;
};

template <CodecType KC, CodecType VC>
struct TableSpec {
  using KeyCodec = KC;
  using ValueCodec = VC;
  std::string_view name;

  ColumnFamilySpec Erase() const {
    return ColumnFamilySpec{std::string(name), MakeFieldCodec<KC>(), MakeFieldCodec<VC>()};
  }
};

class DBDefinition {
 public:
  DBDefinition(std::string db_name, std::vector<ColumnFamilySpec> column_families)
      : db_name_(std::move(db_name)), column_families_(std::move(column_families)) {}

  // The directory name of the database ("scm.db").
  const std::string& db_name() const { return db_name_; }
  const std::vector<ColumnFamilySpec>& column_families() const { return column_families_; }

  // The column family of that name, or nullptr.
  const ColumnFamilySpec* Find(std::string_view name) const {
    for (const auto& cf : column_families_) {
      if (cf.name == name) return &cf;
    }
    return nullptr;
  }

  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (const auto& cf : column_families_) out.push_back(cf.name);
    return out;
  }

 private:
  std::string db_name_;
  std::vector<ColumnFamilySpec> column_families_;
};

}  // namespace ozone::storage
