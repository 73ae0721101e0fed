#!/usr/bin/env bash
# The project's main job (`make demo`): a local HA cluster on 127.0.0.1 (scripts/cluster.sh):
# 3 SCMs and 3 OMs set up as the seed documents say, and simulated datanodes; a short freon omkg
# workload, the roles of both rings, where things are and how to use bin/ozone sh; it stays up
# until Ctrl-C, then every process it started is stopped.
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
echo "starting 3 SCMs (init on scm1, bootstrap on the others), simulated datanodes and 3 OMs"
echo "(om --init on each, then the ring)..."
"$CLUSTER" start
echo
echo "\$ $OZ admin scm roles"
$OZ admin scm roles
echo
echo "\$ $OZ admin om roles"
$OZ admin om roles
echo
echo "\$ $OZ freon omkg -n 1000 -t 10 -p demo   (keys without data: open + commit on the OM ring)"
$OZ freon omkg -n 1000 -t 10 -p demo | tail -n 4
cat <<EOF

The cluster is up.
  configuration  $CLUSTER_DIR/conf/<node>/ozone-site.xml (conf/client: for bin/ozone)
  data           $CLUSTER_DIR/data/<node>   (VERSION, scm.db or om.db, the Raft log)
  logs           $CLUSTER_DIR/logs/<node>.log
Try, from $(pwd):
  $OZ sh volume create /vol2
  $OZ sh bucket create /vol2/bucket1
  $OZ sh bucket info o3://omservice/vol2/bucket1
  $OZ sh key list /vol1/bucket1 --length 5
  $OZ admin om roles --table
  $OZ admin om transfer -id omservice -r
  $OZ admin scm roles --table
  $OZ admin pipeline list
  $OZ admin datanode list
  $OZ admin container create
  $OZ admin scm transfer -r
  kill -9 \$(cat $CLUSTER_DIR/pids/om3.pid)    # then om roles again: another leader if om3 led
EOF
if [ -n "${DEMO_SECONDS:-}" ]; then
  sleep "$DEMO_SECONDS"
else
  echo "Ctrl-C stops it."
  while true; do sleep 3600; done
fi
