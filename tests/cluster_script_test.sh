#!/usr/bin/env bash
# scripts/cluster.sh end to end (the path `make demo` takes): start 3 SCMs, simulated datanodes
# and 3 OMs in a private directory and port range, check both rings' roles, safe mode, a volume
# and bucket through ozone sh and a freon omkg run, stop, and check that nothing it started is
# left running.
set -uo pipefail
root="${1:?repository root}"
build="${2:?build directory}"
export CLUSTER_DIR
CLUSTER_DIR="$(mktemp -d /tmp/cluster-test.XXXXXX)"
# A block of 100 ports of its own in [10000, 20000): below the kernel's ephemeral range (where
# outgoing connections take their ports) and claimed with an flock in the directory that
# tests/testutil/ports.h (PortBlock) uses, so that parallel tests never share one.
mkdir -p /tmp/ozone-test-ports
BASE_PORT=
for _ in $(seq 400); do
  base=$(( 10000 + (RANDOM % 100) * 100 ))
  exec 9>"/tmp/ozone-test-ports/$base"
  if flock -n 9; then BASE_PORT=$base; break; fi
  exec 9>&-
done
[ -n "$BASE_PORT" ] || { echo "FAIL: no free port block" >&2; exit 1; }
export BASE_PORT
export BUILD="$build"
fail() { echo "FAIL: $*" >&2; "$root/scripts/cluster.sh" stop >/dev/null 2>&1; rm -rf "$CLUSTER_DIR"; exit 1; }

"$root/scripts/cluster.sh" start || fail "start"
oz() { "$build/src/tools/ozone" --config "$CLUSTER_DIR/conf/client" "$@"; }
roles=$(oz admin scm roles) || fail "roles: $roles"
[ "$(grep -c ':LEADER:' <<<"$roles")" = 1 ] || fail "one leader expected: $roles"
[ "$(grep -c ':FOLLOWER:' <<<"$roles")" = 2 ] || fail "two followers expected: $roles"
for i in 1 2 3; do
  grep -q '^clusterID=CID-' "$CLUSTER_DIR/data/scm$i/scm/current/VERSION" || fail "no clusterID in scm$i VERSION"
done
[ "$(cat "$CLUSTER_DIR"/data/scm*/scm/current/VERSION | grep '^clusterID=' | sort -u | wc -l)" = 1 ] ||
  fail "the VERSION files disagree on the clusterID"
oz admin safemode wait -t 60 >/dev/null || fail "safe mode did not end"
om_roles=$(oz admin om roles) || fail "om roles: $om_roles"
[ "$(grep -c ' : LEADER ' <<<"$om_roles")" = 1 ] || fail "one OM leader expected: $om_roles"
[ "$(grep -c ' : FOLLOWER ' <<<"$om_roles")" = 2 ] || fail "two OM followers expected: $om_roles"
oz sh volume create /vol1 || fail "volume create"
oz sh bucket create /vol1/bucket1 || fail "bucket create"
out=$(oz freon omkg -n 20 -t 2 -p t -v vol1 -b bucket1) || fail "omkg: $out"
grep -q '^Successful executions: 20$' <<<"$out" || fail "omkg summary: $out"
keys=$(oz sh key list /vol1/bucket1 --all) || fail "key list"
[ "$(grep -c '"name" : "t/' <<<"$keys")" = 20 ] || fail "20 keys expected: $keys"
pids=$(cat "$CLUSTER_DIR"/pids/*.pid)
"$root/scripts/cluster.sh" stop >/dev/null || fail "stop"
for p in $pids; do kill -0 "$p" 2>/dev/null && fail "process $p still runs after stop"; done
rm -rf "$CLUSTER_DIR"
echo PASS
