#include "scm/metadata/scm_db_definition.h"

namespace ozone::scm {

const storage::DBDefinition& ScmDbDefinition() {
  static const storage::DBDefinition definition(
      kScmDbName,
      {kContainers.Erase(), kPipelines.Erase(), kDeletedBlocks.Erase(), kSequenceId.Erase(),
       kTransactionInfoTable.Erase(), kStatefulServiceConfig.Erase(), kMeta.Erase()});
  return definition;
}

}  // namespace ozone::scm
