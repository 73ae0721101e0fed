#!/usr/bin/env bash
# raft_bench.sh: the Raft engine's benchmark, side by side with Debian's libraft in one run.
#
#   load      3 raft_node processes on 127.0.0.1 (fsync on); on the leader, a non-Raft thread
#             keeps N proposals outstanding (as a server would); 104 B and 1 KiB entries at 1, 64
#             and 256 outstanding; one RESULT line per shape and repetition (throughput and
#             commit latency: committed on a majority and applied on the leader)
#   failover  kill -9 of the leader TRIALS times while every node runs the failover probe (one
#             104 B proposal at a time on whichever node is the ready leader); outage_ms = the
#             largest gap between successful commits after the kill (../shared/peers/
#             failover_analyze.py, the code the etcd, ZooKeeper and libraft runs use)
#   libraft   ../shared/peers/libraft/libraft3.sh all (same shapes, same RESULT lines)
#   all       load, failover, libraft, then the ratios
#
# Output: RESULT lines (same shape as the peers'), raw files under $RAW.
# env: REPEAT=2 PHASE_MS=5000 SIZES="104 1024" INFLIGHTS="1 64 256" TRIALS=5
#      ELECTION_TICKS=30 HEARTBEAT_TICKS=3 TICK_MS=10 (the engine's defaults)
#      BASE=/tmp/ozone-raft-bench RAW=<dir> PEERS_DIR=<../shared/peers>
# Every process started here is stopped by PID on exit; every wait has a timeout.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
BIN="$ROOT/build/src/ha/raft/tools/raft_node"
PEERS_DIR="${PEERS_DIR:-$(cd "$ROOT/.." && pwd)/shared/peers}"
BASE="${BASE:-/tmp/ozone-raft-bench}"
REPEAT="${REPEAT:-2}"
PHASE_MS="${PHASE_MS:-5000}"
SIZES="${SIZES:-104 1024}"
INFLIGHTS="${INFLIGHTS:-1 64 256}"
TRIALS="${TRIALS:-5}"
TICK_MS="${TICK_MS:-10}"
ELECTION_TICKS="${ELECTION_TICKS:-30}"
HEARTBEAT_TICKS="${HEARTBEAT_TICKS:-3}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RAW="${RAW:-$BASE/raw/$STAMP}"
PORTS=(25101 25102 25103)
PEERS="n1=127.0.0.1:${PORTS[0]},n2=127.0.0.1:${PORTS[1]},n3=127.0.0.1:${PORTS[2]}"
declare -A PIDS=()

case "$BASE" in /tmp/*) ;; *) echo "BASE must be under /tmp (it is wiped)" >&2; exit 2 ;; esac
[ -x "$BIN" ] || { echo "build first: make build ($BIN missing)" >&2; exit 2; }
mkdir -p "$BASE" "$RAW"

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$RAW/summary.txt"; }
result() { echo "$*" | tee -a "$RAW/summary.txt" "$RAW/results.txt"; }
noise() {
  { echo "== $1 $(date -u +%H:%M:%S) $(uptime)"; ps -eo pid,pcpu,etime,comm --sort=-pcpu | head -8; } >>"$RAW/noise.txt"
  echo "[uptime $1] $(uptime)" | tee -a "$RAW/summary.txt"
}

stop_node() {
  local i=$1 sig=${2:-TERM}
  local pid=${PIDS[$i]:-}
  [ -n "$pid" ] || return 0
  kill -"$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "PIDS[$i]"
}
stop_all() { for i in "${!PIDS[@]}"; do stop_node "$i"; done; }
trap stop_all EXIT

start_node() {  # $1 = 1..3, extra args after
  local i=$1; shift
  mkdir -p "$BASE/n$i"
  "$BIN" --id="n$i" --peers="$PEERS" --dir="$BASE/n$i" --bootstrap --tick-ms="$TICK_MS" \
    --election-ticks="$ELECTION_TICKS" --heartbeat-ticks="$HEARTBEAT_TICKS" "$@" \
    >"$BASE/n$i.out" 2>&1 &
  PIDS[$i]=$!
  for _ in $(seq 100); do grep -q '^ready' "$BASE/n$i.out" 2>/dev/null && return 0; sleep 0.1; done
  echo "node $i did not start: $(tail -3 "$BASE/n$i.out")" >&2; return 1
}

http() { echo $(( ${PORTS[$(( $1 - 1 ))]} + 100 )); }
status_field() {  # $1 node, $2 field
  curl -s --max-time 2 "127.0.0.1:$(http "$1")/status" |
    python3 -c "import sys,json; print(json.load(sys.stdin).get('$2',''))" 2>/dev/null || true
}
leader() {  # the ready leader's number, or empty
  for i in "${!PIDS[@]}"; do
    [ "$(status_field "$i" role)" = "LEADER" ] && [ "$(status_field "$i" leader_ready)" = "True" ] && { echo "$i"; return; }
  done
}
wait_leader() {
  for _ in $(seq 200); do local l; l=$(leader); [ -n "$l" ] && { echo "$l"; return 0; }; sleep 0.05; done
  echo "no leader" >&2; return 1
}

run_load() {
  log "== load: 3 raft_node processes, fsync on, election ${ELECTION_TICKS}x${TICK_MS} ms =="
  rm -rf "${BASE:?}"/n1 "${BASE:?}"/n2 "${BASE:?}"/n3
  for i in 1 2 3; do start_node "$i"; done
  local l; l=$(wait_leader)
  curl -s -d '' -X POST "127.0.0.1:$(http "$l")/load?inflight=64&bytes=104&ms=2000&label=warmup" >/dev/null
  for rep in $(seq "$REPEAT"); do
    for size in $SIZES; do
      for inf in $INFLIGHTS; do
        local label="ozone-raft-$( [ "$size" = 104 ] && echo 104B || echo 1k )-if$inf#$rep"
        noise "$label"
        l=$(wait_leader)
        result "$(curl -s --max-time 120 -d '' -X POST "127.0.0.1:$(http "$l")/load?inflight=$inf&bytes=$size&ms=$PHASE_MS&label=$label")"
      done
    done
  done
  stop_all
}

run_failover() {
  log "== failover: kill -9 the leader ${TRIALS} times, election ${ELECTION_TICKS}x${TICK_MS} ms, heartbeat ${HEARTBEAT_TICKS}x${TICK_MS} ms, pre-vote on =="
  rm -rf "${BASE:?}"/n1 "${BASE:?}"/n2 "${BASE:?}"/n3 "$BASE"/probe; mkdir -p "$BASE/probe"
  for i in 1 2 3; do start_node "$i" --probe-csv="$BASE/probe/n$i.csv"; done
  local outages=()
  for t in $(seq "$TRIALS"); do
    local l; l=$(wait_leader)
    sleep 3
    noise "failover-$t"
    local kill_ns; kill_ns=$(date +%s%N)
    stop_node "$l" 9
    local nl; nl=$(wait_leader)
    sleep 2
    local merged="$BASE/probe/trial-$t.csv"
    { echo "wall_ns,ok,endpoint,latency_us,code"
      for i in 1 2 3; do tail -n +2 "$BASE/probe/n$i.csv" 2>/dev/null || true; done |
        awk -F, -v k="$kill_ns" '$1 > k - 3000000000' | sort -t, -k1,1n; } >"$merged"
    local line; line=$(python3 "$PEERS_DIR/failover_analyze.py" "$merged" "$kill_ns" "trial=$t killed=n$l new_leader=n$nl")
    result "$line config=et$((ELECTION_TICKS * TICK_MS))-hb$((HEARTBEAT_TICKS * TICK_MS))-prevote1"
    outages+=("$(sed -E 's/.*outage_ms=([0-9.]+).*/\1/' <<<"$line")")
    start_node "$l" --probe-csv="$BASE/probe/n$l.csv"
  done
  stop_all
  result "$(printf '%s\n' "${outages[@]}" | sort -n | python3 -c "
import sys
v=[float(x) for x in sys.stdin if x.strip()]
m=v[len(v)//2] if len(v)%2 else (v[len(v)//2-1]+v[len(v)//2])/2
p99=v[min(len(v)-1,int(0.99*(len(v)-1)+0.5))]
print(f'RESULT failover-summary trials={len(v)} median_ms={m:.1f} p99_ms={p99:.1f} max_ms={max(v):.1f}')")"
}

run_libraft() {
  log "== libraft baseline (../shared/peers/libraft/libraft3.sh all) =="
  [ -x "$PEERS_DIR/libraft/libraft3.sh" ] || { log "no libraft harness at $PEERS_DIR/libraft"; return 0; }
  RAW="$RAW/libraft" REPEAT="$REPEAT" PHASE_MS="$PHASE_MS" TRIALS="$TRIALS" \
    "$PEERS_DIR/libraft/libraft3.sh" all 2>&1 | tee "$RAW/libraft.txt" | grep '^RESULT' | tee -a "$RAW/results.txt"
}

ratios() {
  log "== ratios (ours / libraft, mean over repetitions) =="
  python3 - "$RAW/results.txt" <<'PY' | tee -a "$RAW/summary.txt"
import re, sys, collections
qps = collections.defaultdict(lambda: collections.defaultdict(list))
p50 = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    m = re.match(r'RESULT \[(ozone-raft|libraft)-(\S+?)#\d+\].*qps=([0-9.]+).*p50=([0-9.]+)', line)
    if not m: continue
    who, shape = m.group(1), m.group(2)
    qps[shape][who].append(float(m.group(3))); p50[shape][who].append(float(m.group(4)))
mean = lambda v: sum(v) / len(v)
for shape in sorted(qps):
    q, p = qps[shape], p50[shape]
    if 'ozone-raft' in q and 'libraft' in q:
        print(f"RESULT ratio shape={shape} qps_ours={mean(q['ozone-raft']):.0f} qps_libraft={mean(q['libraft']):.0f} "
              f"qps_ratio={mean(q['ozone-raft'])/mean(q['libraft']):.2f} p50_ours_ms={mean(p['ozone-raft']):.3f} "
              f"p50_libraft_ms={mean(p['libraft']):.3f} p50_ratio={mean(p['ozone-raft'])/mean(p['libraft']):.2f}")
PY
}

case "${1:-all}" in
  load) run_load ;;
  failover) run_failover ;;
  libraft) run_libraft ;;
  all) run_load; run_failover; run_libraft; ratios ;;
  *) echo "usage: $0 [all|load|failover|libraft]" >&2; exit 2 ;;
esac
log "raw outputs: $RAW"
