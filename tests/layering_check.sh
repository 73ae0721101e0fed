#!/usr/bin/env bash
# Verifies the layering of DESIGN.md §4 on the includes of src/:
#   - only src/storage includes RocksDB; only src/ha includes the Raft engine (src/ha/raft);
#   - only src/rpc, */server/ and src/ha/raft/transport include gRPC;
#   - each module includes only the modules below it.
set -uo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root/src" || exit 2

# Allowed project dependencies of each module (besides itself).
declare -A allowed=(
  [common]=""
  [storage]="common"
  [rpc]="common"
  [security]="common"
  [ha]="common storage rpc security"
  [scm]="common storage rpc ha security"
  [om]="common storage rpc ha security client"
  [datanode]="common storage rpc ha security"
  [client]="common rpc security"
  [tools]="common storage rpc ha security scm om datanode client"
)

fail=0
report() { echo "layering: $*"; fail=1; }

for module in "${!allowed[@]}"; do
  [ -d "$module" ] || continue
  while IFS= read -r line; do
    file="${line%%:*}"
    inc=$(sed -E 's/.*#include[[:space:]]*"([^"]+)".*/\1/' <<<"${line#*:}")
    dep="${inc%%/*}"
    [ "$dep" = "$module" ] && continue
    [ -d "$dep" ] || continue  # generated protos and the like
    case " ${allowed[$module]} " in *" $dep "*) ;; *) report "$file includes $inc ($module may not depend on $dep)";; esac
    if [ "$inc" != "${inc#ha/raft/}" ] && [ "$module" != "ha" ]; then
      report "$file includes the Raft engine ($inc); only src/ha may"
    fi
  done < <(grep -rn --include='*.h' --include='*.cc' -E '^[[:space:]]*#include[[:space:]]*"' "$module")
done

while IFS= read -r hit; do
  case "$hit" in storage/*) ;; *) report "$hit: only src/storage may include RocksDB";; esac
done < <(grep -rln --include='*.h' --include='*.cc' -E '#include[[:space:]]*<rocksdb/' . | sed 's|^\./||')

while IFS= read -r hit; do
  case "$hit" in rpc/*|*/server/*|ha/raft/transport/*) ;; *) report "$hit: gRPC outside src/rpc, */server/, ha/raft/transport";; esac
done < <(grep -rln --include='*.h' --include='*.cc' -E '#include[[:space:]]*<grpc(pp)?/' . | sed 's|^\./||')

[ $fail -eq 0 ] && echo "layering: ok"
exit $fail
