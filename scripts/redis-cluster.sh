#!/usr/bin/env bash
# A local Redis Cluster for the tests, the demo and bench:scale: 3 masters and
# 3 replicas from Debian's redis-server on 127.0.0.1:7000-7005, no
# persistence, state in its own temporary folder.
#
#   scripts/redis-cluster.sh start   # reuses a running healthy cluster; restarts nodes that died
#   scripts/redis-cluster.sh stop    # stops the six nodes and removes the folder
#   scripts/redis-cluster.sh status  # exit 0 if cluster_state:ok on every node
#
# REDIS_CLUSTER_BASE_PORT (7000) and REDIS_CLUSTER_DIR change where it lives.
set -euo pipefail

BASE_PORT=${REDIS_CLUSTER_BASE_PORT:-7000}
DIR=${REDIS_CLUSTER_DIR:-/tmp/idemscope-redis-cluster}
PORTS=()
for i in 0 1 2 3 4 5; do PORTS+=($((BASE_PORT + i))); done

cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }
alive() { cli "$1" ping >/dev/null 2>&1; }
info_field() { cli "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"; }

healthy() {
  for port in "${PORTS[@]}"; do
    alive "$port" || return 1
    [ "$(info_field "$port" cluster_state)" = ok ] || return 1
    [ "$(info_field "$port" cluster_known_nodes)" = 6 ] || return 1
  done
}

start_node() {
  local port=$1
  mkdir -p "$DIR/$port"
  # nodes.conf is the node's cluster identity: a restarted node rejoins with it (as a replica
  # when its replica was promoted meanwhile), so a failover test can bring a killed master back.
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
    --save "" --appendonly no --dir "$DIR/$port" \
    --pidfile "$DIR/$port/redis.pid" --logfile "$DIR/$port/redis.log" >/dev/null
}

stop_all() {
  for port in "${PORTS[@]}"; do
    if alive "$port"; then cli "$port" shutdown nosave >/dev/null 2>&1 || true; fi
  done
  for port in "${PORTS[@]}"; do
    for _ in $(seq 1 40); do alive "$port" || break; sleep 0.25; done
  done
  rm -rf "$DIR"
}

wait_healthy() {
  for _ in $(seq 1 120); do healthy && return 0; sleep 0.5; done
  return 1
}

start() {
  command -v redis-server >/dev/null || { echo "redis-cluster: redis-server is not installed" >&2; exit 1; }
  healthy && { echo "redis-cluster: running on 127.0.0.1:${PORTS[0]}-${PORTS[5]}"; return 0; }
  for port in "${PORTS[@]}"; do alive "$port" || start_node "$port"; done
  for port in "${PORTS[@]}"; do
    for _ in $(seq 1 40); do alive "$port" && break; sleep 0.25; done
    alive "$port" || { echo "redis-cluster: node $port did not start (see $DIR/$port/redis.log)" >&2; exit 1; }
  done
  # Nodes that knew each other before (a restart after a crash) converge by themselves.
  if [ "$(info_field "${PORTS[0]}" cluster_slots_assigned)" = 16384 ] && wait_healthy; then
    echo "redis-cluster: running on 127.0.0.1:${PORTS[0]}-${PORTS[5]} (rejoined)"; return 0
  fi
  # Anything else (fresh folder, half-made or mixed state) is made anew.
  stop_all
  for port in "${PORTS[@]}"; do start_node "$port"; done
  for port in "${PORTS[@]}"; do for _ in $(seq 1 40); do alive "$port" && break; sleep 0.25; done; done
  local nodes=()
  for port in "${PORTS[@]}"; do nodes+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$DIR/create.log" 2>&1 ||
    { cat "$DIR/create.log" >&2; exit 1; }
  wait_healthy || { echo "redis-cluster: cluster_state did not become ok" >&2; exit 1; }
  echo "redis-cluster: created on 127.0.0.1:${PORTS[0]}-${PORTS[5]}"
}

case "${1:-start}" in
  start) start ;;
  stop) stop_all; echo "redis-cluster: stopped" ;;
  status) healthy ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
