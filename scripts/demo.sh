#!/usr/bin/env bash
# The project's main job (`make demo`): a local HA cluster on 127.0.0.1 (scripts/cluster.sh):
# 3 SCMs set up as the seed documents say and simulated datanodes, until Ctrl-C, then every
# process it started is stopped. (The OM HA issue adds the 3 OMs and a workload.)
# env: as scripts/cluster.sh (CLUSTER_DIR, SCMS, DATANODES, BASE_PORT); DEMO_SECONDS=N stops
# after N seconds instead of waiting for Ctrl-C (for scripts and CI).
set -euo pipefail
cd "$(dirname "$0")/.."
export CLUSTER_DIR="${CLUSTER_DIR:-/tmp/ozone-cluster}"
CLUSTER=scripts/cluster.sh
OZ="bin/ozone --config $CLUSTER_DIR/conf/client"

cleanup() { echo; echo "stopping the cluster"; "$CLUSTER" stop; }
trap cleanup EXIT
trap 'exit 0' INT TERM

bin/ozone version | head -1
echo "starting 3 SCMs (init on scm1, bootstrap on the others) and simulated datanodes..."
"$CLUSTER" start
echo
echo "\$ $OZ admin scm roles"
$OZ admin scm roles
echo
echo "\$ $OZ admin safemode status"
$OZ admin safemode status
cat <<EOF

The cluster is up.
  configuration  $CLUSTER_DIR/conf/<node>/ozone-site.xml (conf/client: for bin/ozone)
  data           $CLUSTER_DIR/data/<node>   (scm/current/VERSION, scm.db, the Raft log)
  logs           $CLUSTER_DIR/logs/<node>.log
Try, from $(pwd):
  $OZ admin scm roles --table
  $OZ admin pipeline list
  $OZ admin datanode list
  $OZ admin container create
  $OZ admin scm transfer -r
  kill -9 \$(cat $CLUSTER_DIR/pids/scm1.pid)   # then roles again: a new leader
EOF
if [ -n "${DEMO_SECONDS:-}" ]; then
  sleep "$DEMO_SECONDS"
else
  echo "Ctrl-C stops it."
  while true; do sleep 3600; done
fi
