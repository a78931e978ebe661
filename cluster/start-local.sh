#!/usr/bin/env bash
# A local three-node Waymark cluster on loopback, for trying cluster mode out:
# Debian's PostgreSQL in cluster/run/postgres (port 55432), and nodes 1–3 on ports
# 8081–8083 with cluster/node1.yaml … node3.yaml. Sends go to cluster/run/nodeN/*.jsonl.
#
#   cluster/start-local.sh          build, start PostgreSQL and the three nodes
#   cluster/start-local.sh stop     stop the nodes (they hand their shards over) and PostgreSQL
#
# Needs `apt-get install postgresql` (the server binaries, not a running service).
set -euo pipefail
cd "$(dirname "$0")/.."
run=cluster/run
mkdir -p "$run"

if [ "${1:-}" = "stop" ]; then
    for n in 1 2 3; do
        if [ -f "$run/node$n.pid" ]; then kill -TERM "$(cat "$run/node$n.pid")" 2>/dev/null || true; fi
    done
    for n in 1 2 3; do
        if [ -f "$run/node$n.pid" ]; then
            while kill -0 "$(cat "$run/node$n.pid")" 2>/dev/null; do sleep 0.2; done
            rm -f "$run/node$n.pid"
        fi
    done
    cluster/postgres.sh stop "$PWD/$run/postgres"
    echo "stopped"
    exit 0
fi

export PATH="/opt/swift/usr/bin:$PATH"
swift build --product waymark
url="$(cluster/postgres.sh start "$PWD/$run/postgres" 55432)"
echo "PostgreSQL: $url"

for n in 1 2 3; do
    mkdir -p "$run/node$n"
    .build/debug/waymark serve --config "cluster/node$n.yaml" >"$run/node$n.log" 2>&1 &
    echo $! >"$run/node$n.pid"
    echo "node$n: http://127.0.0.1:808$n (log: $run/node$n.log)"
done
for n in 1 2 3; do
    for _ in $(seq 1 100); do
        if curl -fs "http://127.0.0.1:808$n/ready" >/dev/null 2>&1; then break; fi
        sleep 0.2
    done
done
echo
echo "Try:  curl -X POST localhost:8081/v1/events -H 'content-type: application/json' \\"
echo "        -d '[{\"customer_id\": \"ada\", \"event\": \"signup\", \"id\": \"e1\"}]'"
echo "      psql $url -c 'SELECT shard, owner, epoch, expires_at FROM waymark_leases ORDER BY shard'"
echo "Stop: cluster/start-local.sh stop"
