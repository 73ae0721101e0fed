#include "om/metadata/om_db_definition.h"

namespace ozone::om {

const storage::DBDefinition& OmDbDefinition() {
  static const storage::DBDefinition definition(
      kOmDbName,
      {kUserTable.Erase(), kVolumeTable.Erase(), kBucketTable.Erase(), kKeyTable.Erase(),
       kOpenKeyTable.Erase(), kDeletedTable.Erase(), kFileTable.Erase(), kOpenFileTable.Erase(),
       kTransactionInfoTable.Erase(), kMetaTable.Erase(), kStatefulServiceConfigTable.Erase(),
       kRetryCacheTable.Erase()});
  return definition;
}

}  // namespace ozone::om
