// Which schema (DBDefinition) describes a database directory, by its name as Ozone's
// DBDefinitionFactory does: scm.db, om.db. Column families without a known schema (an unknown DB,
// or a family the schema does not declare) are shown raw: text if the bytes are printable UTF-8,
// else hex ("0x...").
//
// Thread-safety: immutable.
#pragma once

#include <memory>
#include <string>

#include "storage/db_definition.h"

namespace ozone::tools::ldb {

// The schema for the DB at `db_path` (trailing '/' ignored), or nullptr.
const storage::DBDefinition* SchemaFor(const std::string& db_path);

// The codec for raw bytes.
std::shared_ptr<const storage::FieldCodec> RawCodec();

}  // namespace ozone::tools::ldb
