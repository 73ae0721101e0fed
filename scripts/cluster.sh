#!/usr/bin/env bash
# cluster.sh: a local HA cluster on 127.0.0.1, set up the way the seed documents say (the
# primordial SCM is initialized, the others bootstrap from it), one configuration directory per
# node, for the demo, tests and benchmarks.
#
#   scripts/cluster.sh start    generate the config, init/bootstrap, start every process, wait
#                               until the ring has a leader and its followers
#   scripts/cluster.sh stop     stop every process it started (SIGTERM, then SIGKILL)
#   scripts/cluster.sh status   which processes run, `ozone admin scm roles`, `ozone admin om roles`
#   scripts/cluster.sh env      the command line to use bin/ozone against the cluster
#
# env: CLUSTER_DIR=/tmp/ozone-cluster (wiped by start), SCMS=3, OMS=3 (0: none), DATANODES=3
#      (simulated: the datanode issue brings real ones), BASE_PORT=29800 (the cluster uses BASE_PORT+11 to
#      BASE_PORT+82), BUILD=build (relative to the
#      repository, or absolute)
# Layout under CLUSTER_DIR: conf/<node>/ozone-site.xml (conf/client: every node's addresses, for
# bin/ozone), data/<node>, logs/<node>.log, pids/<node>.pid.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CLUSTER_DIR="${CLUSTER_DIR:-/tmp/ozone-cluster}"
SCMS="${SCMS:-3}"
OMS="${OMS:-3}"
DATANODES="${DATANODES:-3}"
BASE_PORT="${BASE_PORT:-29800}"
BUILD="${BUILD:-build}"
case "$BUILD" in /*) BUILD_DIR="$BUILD" ;; *) BUILD_DIR="$ROOT/$BUILD" ;; esac
OZONE="$BUILD_DIR/src/tools/ozone"  # what bin/ozone links to
DN_SIM="$BUILD_DIR/tests/datanode_sim/ozone_dn_sim"
SERVICE_ID=cluster1
OM_SERVICE_ID=omservice

scm_port() { echo $((BASE_PORT + $1 * 10 + $2)); }        # $1 node number, $2 offset
om_port() { echo $((BASE_PORT + 50 + $1 * 10 + $2)); }    # $1 node number, $2 offset

write_config() {  # $1: directory, $2: this node's id (scmN, omN; empty for the client)
  local dir=$1 self=$2 nodes="" om_nodes="" i
  mkdir -p "$dir"
  for i in $(seq "$SCMS"); do nodes+="${nodes:+,}scm$i"; done
  for i in $(seq "$OMS"); do om_nodes+="${om_nodes:+,}om$i"; done
  {
    echo '<?xml version="1.0"?>'
    echo '<configuration>'
    prop() { echo "  <property><name>$1</name><value>$2</value></property>"; }
    prop ozone.scm.service.ids "$SERVICE_ID"
    prop "ozone.scm.nodes.$SERVICE_ID" "$nodes"
    prop ozone.scm.primordial.node.id scm1
    for i in $(seq "$SCMS"); do
      local sfx=".$SERVICE_ID.scm$i"
      prop "ozone.scm.address$sfx" 127.0.0.1
      prop "ozone.scm.ratis.port$sfx" "$(scm_port "$i" 0)"
      prop "ozone.scm.grpc.port$sfx" "$(scm_port "$i" 1)"
      prop "ozone.scm.client.port$sfx" "$(scm_port "$i" 2)"
      prop "ozone.scm.block.client.port$sfx" "$(scm_port "$i" 3)"
      prop "ozone.scm.datanode.port$sfx" "$(scm_port "$i" 4)"
    done
    if [ "$OMS" -gt 0 ]; then
      prop ozone.om.service.ids "$OM_SERVICE_ID"
      prop "ozone.om.nodes.$OM_SERVICE_ID" "$om_nodes"
      for i in $(seq "$OMS"); do
        local osfx=".$OM_SERVICE_ID.om$i"
        prop "ozone.om.address$osfx" "127.0.0.1:$(om_port "$i" 0)"
        prop "ozone.om.ratis.port$osfx" "$(om_port "$i" 1)"
        prop "ozone.om.http-address$osfx" "127.0.0.1:$(om_port "$i" 2)"
      done
    fi
    case "$self" in
      scm*) prop ozone.scm.node.id "$self" ;;
      om*) prop ozone.om.node.id "$self" ;;
    esac
    [ -n "$self" ] && prop ozone.metadata.dirs "$CLUSTER_DIR/data/$self"
    echo '</configuration>'
  } >"$dir/ozone-site.xml"
}

pid_of() { cat "$CLUSTER_DIR/pids/$1.pid" 2>/dev/null || true; }
running() { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# Starts `$2...` in the background as node $1, logging to logs/$1.log; waits for `$READY` in it.
launch() {
  local name=$1 ready=$2; shift 2
  setsid "$@" >"$CLUSTER_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$CLUSTER_DIR/pids/$name.pid"
  for _ in $(seq 600); do
    grep -q "$ready" "$CLUSTER_DIR/logs/$name.log" 2>/dev/null && return 0
    running "$name" || break
    sleep 0.1
  done
  echo "$name did not start; the end of logs/$name.log:" >&2
  tail -20 "$CLUSTER_DIR/logs/$name.log" >&2
  return 1
}

ozone_on() { local node=$1; shift; "$OZONE" --config "$CLUSTER_DIR/conf/$node" "$@"; }

# $1: scm|om; waits until the ring has one leader and all the others follow.
wait_for_ring() {
  local kind=$1 n out leaders followers
  [ "$kind" = scm ] && n=$SCMS || n=$OMS
  for _ in $(seq 300); do
    out=$(ozone_on client admin "$kind" roles 2>/dev/null || true)
    if [ "$kind" = scm ]; then
      leaders=$(grep -c ':LEADER:' <<<"$out" || true)
      followers=$(grep -c ':FOLLOWER:' <<<"$out" || true)
    else
      leaders=$(grep -c ' : LEADER ' <<<"$out" || true)
      followers=$(grep -c ' : FOLLOWER ' <<<"$out" || true)
    fi
    [ "$leaders" = 1 ] && [ "$followers" = $((n - 1)) ] && return 0
    sleep 0.1
  done
  echo "the $kind ring did not form; roles: $out" >&2
  return 1
}

start() {
  [ -x "$OZONE" ] || { echo "build first: make build ($OZONE missing)" >&2; exit 2; }
  case "$CLUSTER_DIR" in /tmp/*) ;; *) echo "CLUSTER_DIR must be under /tmp (it is wiped)" >&2; exit 2 ;; esac
  stop >/dev/null 2>&1 || true
  rm -rf "$CLUSTER_DIR"
  mkdir -p "$CLUSTER_DIR"/{conf,data,logs,pids}
  write_config "$CLUSTER_DIR/conf/client" ""
  local i
  for i in $(seq "$SCMS"); do write_config "$CLUSTER_DIR/conf/scm$i" "scm$i"; done
  for i in $(seq "$OMS"); do write_config "$CLUSTER_DIR/conf/om$i" "om$i"; done
  # Seed 001: init on the primordial node, bootstrap on the others, then start each.
  ozone_on scm1 scm --init >>"$CLUSTER_DIR/logs/setup.log" 2>&1
  launch scm1 "SCM scm1 started" "$OZONE" --config "$CLUSTER_DIR/conf/scm1" scm
  for i in $(seq 2 "$SCMS"); do
    ozone_on "scm$i" scm --bootstrap >>"$CLUSTER_DIR/logs/setup.log" 2>&1
    launch "scm$i" "SCM scm$i started" "$OZONE" --config "$CLUSTER_DIR/conf/scm$i" scm
  done
  wait_for_ring scm
  if [ "$DATANODES" -gt 0 ]; then
    [ -x "$DN_SIM" ] || { echo "no datanode simulator at $DN_SIM (make build)" >&2; exit 2; }
    launch datanodes "^READY" "$DN_SIM" --config "$CLUSTER_DIR/conf/client" --count "$DATANODES"
  fi
  # Seed 003: `ozone om --init` on every OM (it takes the cluster id from SCM), then start them.
  if [ "$OMS" -gt 0 ]; then
    for i in $(seq "$OMS"); do ozone_on "om$i" om --init >>"$CLUSTER_DIR/logs/setup.log" 2>&1; done
    for i in $(seq "$OMS"); do
      launch "om$i" "OM om$i started" "$OZONE" --config "$CLUSTER_DIR/conf/om$i" om
    done
    wait_for_ring om
  fi
}

stop() {
  local f name pid
  for f in "$CLUSTER_DIR"/pids/*.pid; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .pid)
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
      echo "stopped $name ($pid)"
    fi
    rm -f "$f"
  done
}

status() {
  local f name
  for f in "$CLUSTER_DIR"/pids/*.pid; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .pid)
    if running "$name"; then echo "$name: running (pid $(pid_of "$name"))"; else echo "$name: stopped"; fi
  done
  ozone_on client admin scm roles
  [ "$OMS" -gt 0 ] && ozone_on client admin om roles
  return 0
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) echo "bin/ozone --config $CLUSTER_DIR/conf/client <command>" ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
