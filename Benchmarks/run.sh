#!/usr/bin/env bash
# Builds the benchmarks in release mode, runs every measurement, and writes
# BENCHMARKS.md at the repository root and Benchmarks/results.json.
#
#   Benchmarks/run.sh            the full run (1M-event log, 1M customers, 10M passing through; ~30-40 min)
#   QUICK=1 Benchmarks/run.sh    the same measurements at a tenth of the scale (a few minutes after the build)
#   ONLY="simulate memory" …     run only some parts: interpreter storage simulate memory passivation restart node remote
#   MERGE=1 ONLY=remote …        keep the other rows of the last results.json and replace only this run's
#
# Scale knobs (env): SIM_EVENTS, MEM_CUSTOMERS, PASSIVATION_CUSTOMERS, PASSIVATION_RESIDENT,
# RESTART_CUSTOMERS, RESTART_SHARDS, BENCH_SECONDS (per ordo-one benchmark), NODE_SECONDS (per load step),
# REMOTE_SECONDS and REMOTE_CALLERS (node-to-node calls over loopback gRPC), NODE_EXTRA_CONFIG (YAML lines
# appended to the benchmarked node's config, e.g. "passivation: { compact_after: never }").
# Everything runs on this machine; the node benchmark only talks to 127.0.0.1.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
export WAYMARK_ROOT="$ROOT"
cd "$HERE"

QUICK="${QUICK:-0}"
if [ "$QUICK" = "1" ]; then
    : "${SIM_EVENTS:=100000}" "${MEM_CUSTOMERS:=100000}" "${PASSIVATION_CUSTOMERS:=1000000}" "${PASSIVATION_RESIDENT:=20000}"
    : "${RESTART_CUSTOMERS:=100000}" "${BENCH_SECONDS:=2}" "${NODE_SECONDS:=5}"
else
    : "${SIM_EVENTS:=1000000}" "${MEM_CUSTOMERS:=1000000}" "${PASSIVATION_CUSTOMERS:=10000000}" "${PASSIVATION_RESIDENT:=100000}"
    : "${RESTART_CUSTOMERS:=1000000}" "${BENCH_SECONDS:=5}" "${NODE_SECONDS:=15}"
fi
export SIM_EVENTS MEM_CUSTOMERS PASSIVATION_CUSTOMERS PASSIVATION_RESIDENT RESTART_CUSTOMERS BENCH_SECONDS NODE_SECONDS
export ONLY="${ONLY:-interpreter storage simulate memory passivation restart node remote}"
wants() { [[ " $ONLY " == *" $1 "* ]]; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/waymark-bench.XXXXXX")"
export BENCH_TMPDIR="$WORK"
trap 'rm -rf "$WORK"' EXIT
FIGURES="$WORK/figures.jsonl"
: > "$FIGURES"
log() { echo "[run.sh] $*" >&2; }

log "building the benchmarks (release)"
# SwiftPM keeps the build plan of the path dependency (Waymark itself) and does not notice a
# source file added to it since the last build; the stale plan then fails to compile. Planning
# again costs seconds.
rm -f .build/release.yaml .build/release/description.json
swift build -c release 2>&1 | tail -1
BENCH="$HERE/.build/release/waymark-bench"
export WAYMARK_COMMIT="${WAYMARK_COMMIT:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
"$BENCH" machine > "$WORK/machine.json"

# The ordo-one suites: their markdown tables are kept beside results.json, and the p50s go into the table.
ordo() {
    local target="$1"
    log "ordo-one benchmarks: $target"
    if ! swift package --disable-sandbox benchmark --target "$target" --format markdown --no-progress > "$WORK/ordo-$target.txt" 2>&1; then
        tail -20 "$WORK/ordo-$target.txt" >&2
        log "the ordo-one suite $target failed; its rows are left out"
        return 0
    fi
    sed -n '/^## /,$p' "$WORK/ordo-$target.txt" > "$HERE/results-$target.md"
}
wants interpreter && ordo Interpreter
wants storage && ordo Storage
# The same commits as a sustained rate, checkpoints included (the ordo-one rows are medians of single commits).
wants storage && { log "store, sustained (${BENCH_SECONDS} s per path)"; "$BENCH" store >> "$FIGURES"; }

wants simulate && { log "simulator ($SIM_EVENTS events)"; "$BENCH" simulate >> "$FIGURES"; }
wants memory && { log "memory ($MEM_CUSTOMERS customers)"; "$BENCH" memory >> "$FIGURES"; "$BENCH" memory-unpacked >> "$FIGURES"; }
wants passivation && { log "passivation ($PASSIVATION_CUSTOMERS customers)"; "$BENCH" passivation >> "$FIGURES"; }
wants restart && { log "restart ($RESTART_CUSTOMERS customers)"; "$BENCH" restart >> "$FIGURES"; }
wants remote && { log "node-to-node calls over loopback gRPC"; "$BENCH" remote >> "$FIGURES"; }
if wants node; then
    # The real `waymark` binary, release, built by this package from the root package
    # (SwiftPM builds a dependency's executable product), sharing the modules built above.
    log "building waymark (release) for the node benchmark"
    swift build -c release --product waymark 2>&1 | tail -1
    command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; }
    log "node end to end ($NODE_SECONDS s per step)"
    WAYMARK_BIN="$HERE/.build/release/waymark" "$BENCH" node >> "$FIGURES" || log "the node benchmark failed; see above"
fi

"$BENCH" machine > "$WORK/machine-end.json"
log "writing BENCHMARKS.md and results.json"
python3 "$HERE/report.py" --figures "$FIGURES" --machine "$WORK/machine.json" --machine-end "$WORK/machine-end.json" --ordo "$HERE" \
    --markdown "$ROOT/BENCHMARKS.md" --json "$HERE/results.json" --quick "$QUICK" ${MERGE:+--merge}
log "done: $ROOT/BENCHMARKS.md"
