#!/usr/bin/env bash
# Starts the local PostgreSQL, Redis and Redis Cluster (ports 7000-7005) this project's tests and demo use, when
# they are not running, and installs them (and Chromium for the e2e tests) on a
# machine that lacks them. Safe to run again: it changes nothing that works.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # name, command...
  local name=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "ensure-services: $name did not come up" >&2; return 1
}

if ! command -v pg_ctlcluster >/dev/null; then apt_install postgresql; fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  cluster_version=$(ls /etc/postgresql | sort -V | tail -n 1)
  as_root pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start || true
  wait_for PostgreSQL pg_isready -h 127.0.0.1 -p 5432 -q
fi

if ! command -v redis-server >/dev/null; then apt_install redis-server; fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis-cli -h 127.0.0.1 -p 6379 ping
fi

# The 3-master, 3-replica cluster the cluster-mode tests, the demo (--cluster) and bench:scale use.
bash "$(dirname "$0")/redis-cluster.sh" start

if [ "${IDEMSCOPE_SKIP_CHROMIUM:-0}" != 1 ] && [ ! -x /usr/bin/chromium ]; then apt_install chromium; fi
