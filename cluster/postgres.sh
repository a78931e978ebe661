#!/usr/bin/env bash
# A throwaway PostgreSQL for a local cluster or the tests: Debian's server binaries, a
# fresh data folder, loopback only, trust authentication (never use this for production).
#
#   cluster/postgres.sh start DIR [PORT]   initialise DIR (if new) and start; prints the URL
#   cluster/postgres.sh stop DIR           stop it
#
# Run as root, the server runs as the `postgres` user (Debian's package creates it);
# as anyone else, as that user.
set -euo pipefail

command="${1:-}"
dir="${2:-}"
port="${3:-55432}"
[ -n "$command" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2; }

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found: apt-get install postgresql" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" = "0" ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

case "$command" in
start)
    mkdir -p "$dir"
    if [ "$(id -u)" = "0" ]; then chown postgres "$dir"; fi
    if [ ! -f "$dir/PG_VERSION" ]; then
        as_owner "'$bin/initdb' -D '$dir' -U postgres -A trust --no-sync -E UTF8" >"$dir.initdb.log" 2>&1 \
            || { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    as_owner "'$bin/pg_ctl' -D '$dir' -l '$dir/server.log' -w -t 60 \
        -o \"-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c fsync=${PG_FSYNC:-on} -c max_connections=200\" start" >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    as_owner "'$bin/pg_ctl' -D '$dir' -m fast -w stop" >/dev/null || true
    ;;
*)
    echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2
    ;;
esac
