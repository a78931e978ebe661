#!/usr/bin/env python3
"""Assembles BENCHMARKS.md and results.json from one run of Benchmarks/run.sh:
the JSON lines of waymark-bench and node.sh, and the markdown tables of the
ordo-one suites (their p50s)."""
import argparse, json, os, re

p = argparse.ArgumentParser()
p.add_argument("--figures"); p.add_argument("--machine"); p.add_argument("--machine-end"); p.add_argument("--ordo")
p.add_argument("--markdown"); p.add_argument("--json"); p.add_argument("--quick", default="0")
# --merge: a partial run (ONLY=…) replaces its own rows and keeps the others of the last results.json.
p.add_argument("--merge", action="store_true")
a = p.parse_args()

machine = json.load(open(a.machine))
machine_text = f"{machine['nproc']}× {machine['cpu']}, {machine['memory_gib']} GiB"
date = machine["date"]
end = json.load(open(a.machine_end)) if a.machine_end and os.path.exists(a.machine_end) else {}
batch = int(os.environ.get("BENCH_COMMIT_BATCH", "256"))

SCALE = {"#": 1, "K": 1e3, "M": 1e6, "G": 1e9}

def ordo(target):
    """{benchmark: {metric: p50}} from a markdown export."""
    path = os.path.join(a.ordo, f"results-{target}.md")
    out, name = {}, None
    if not os.path.exists(path):
        return out
    for line in open(path):
        if line.startswith("### "):
            name = line[4:].strip(); out[name] = {}
        elif line.startswith("| ") and name and not line.startswith("| Metric") and not line.startswith("|:"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            m = re.match(r"(.*) \((.*?)\)\s*\*?$", cells[0])
            if not m:
                continue
            metric, unit = m.group(1).strip(), m.group(2)
            try:
                value = float(cells[3])
            except ValueError:
                continue
            if metric.startswith("Throughput"):
                out[name]["throughput"] = value * SCALE.get(unit, 1)
            elif metric.startswith("Time (wall clock)"):
                factor = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1}.get(unit, 1)
                out[name]["wall_s"] = value * factor
    return out

rows = []
# A merged partial run re-reads an ordo-one suite's tables only if the suite ran (ONLY names it).
ran = set((os.environ.get("ONLY") or "interpreter storage").split()) if a.merge else {"interpreter", "storage"}
interp = ordo("Interpreter") if "interpreter" in ran else {}
if "interpreter input" in interp and "actor hop" in interp:
    rows.append(dict(key="interpreter_inputs", what="interpreter: inputs handled on a replay of cloned sample customers through the 10 example journeys (pure, no I/O; ordo-one p50)",
                     value=interp["interpreter input"]["throughput"], unit="inputs/s",
                     baseline=interp["actor hop"]["throughput"], baseline_what="plain actor round trips/s (uncontended hop from a task into an actor and back; ordo-one p50)",
                     notes=f"one input costs as much as {interp['actor hop']['throughput'] / interp['interpreter input']['throughput']:.0f} actor hops"))
for name, verb in (("unpack state", "unpacking"), ("pack state", "packing")):
    if name in interp and "interpreter input" in interp:
        rows.append(dict(key=name.replace(" ", "_"), what=f"{verb} an idle customer's state (`passivation.compact_after`), states left by the replay above (ordo-one p50)",
                         value=interp[name]["throughput"], unit="states/s",
                         baseline=interp["interpreter input"]["throughput"], baseline_what="interpreter inputs/s (above)",
                         notes=f"{1e6 / interp[name]['throughput']:.2f} µs per state"))
storage = ordo("Storage") if "storage" in ran else {}
for sync in ("full", "normal"):
    s, r = storage.get(f"store commit {sync}"), storage.get(f"raw upserts {sync}")
    if s and r:
        rows.append(dict(key=f"store_commit_{sync}", what=f"store: inputs committed through SQLiteShardStore.commit (snapshots + timers + outbox + inbox position + actions), {batch} inputs per transaction, synchronous {sync.upper()} (ordo-one p50)",
                         value=s["throughput"] * batch, unit="inputs/s",
                         baseline=r["throughput"] * batch, baseline_what=f"raw GRDB upserts of the same rows, key order and blob sizes, same SQLite settings (WAL, {sync.upper()}, checkpoint interval, and the log copied beside the writer as the store copies it)",
                         goal="≥ 50% of the baseline"))
held, missed = storage.get("store read customer held"), storage.get("store read customer never seen")
if held and missed and "wall_s" in held and "wall_s" in missed:
    rows.append(dict(key="store_read_customer", what="store: reading one stored customer's snapshot, as activating a customer who is not resident does (SQLiteShardStore.customer, ordo-one p50)",
                     value=held["wall_s"] * 1e6, unit="µs",
                     baseline=missed["wall_s"] * 1e6, baseline_what="the same read of an id the store never saw (the query and its transaction alone)",
                     notes=f"{(held['wall_s'] - missed['wall_s']) * 1e6:.0f} µs above a miss: reading and decoding the snapshot"))
for line in open(a.figures):
    line = line.strip()
    if line.startswith("{"):
        rows.append(json.loads(line))

def fmt(v):
    if v is None:
        return "—"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:,.2f}"
    return f"{v:.3g}"

for r in rows:
    b = r.get("baseline")
    r["ratio"] = (r["value"] / b) if b else None
    r["machine"] = machine_text
    r["date"] = date

partial = None
if a.merge and os.path.exists(a.json):
    # The header keeps describing the full run; the partial one is described after it.
    previous = json.load(open(a.json))
    fresh = {r["key"] for r in rows}
    kept = [r for r in previous.get("figures", []) if r.get("key") not in fresh]
    rows = kept + rows
    partial = dict(machine=machine, end=end, date=date, only=os.environ.get("ONLY", ""))
    partial_runs = [p for p in previous.get("partial_runs", []) if p.get("only") != partial["only"]] + [partial]
    machine, date = previous.get("machine", machine), previous.get("date", date)
    end = previous.get("machine_end") or {}
    if not end and os.path.exists(a.markdown):
        # Older results.json files kept no end reading; the last header has it.
        found = re.search(r"at the end: (.*?) —", open(a.markdown).read())
        end = {"load": found.group(1)} if found else {}

# Every row carries the date of the run that measured it; the header describes only runs
# that still own a row, so a partial run whose rows were all replaced later drops out.
owners = {r.get("date") for r in rows}
runs = [dict(machine=machine, end=end, date=date, only="")] + (partial_runs if partial else [])
runs = [run for run in runs if run["date"] in owners]
def describe(run):
    which = f"`ONLY={run['only']}` (`MERGE=1`)" if run["only"] else "the full run"
    return (f" Rows dated {run['date'][:16].replace('T', ' ')}: {which}, commit {run['machine'].get('commit') or 'unknown'},"
            f" load average {run['machine'].get('load', '?')} at its start and {run['end'].get('load', '?')} at its end.")
md = ["# Benchmarks", "",
      "Written by `Benchmarks/run.sh`" + (" with `QUICK=1` (a tenth of the full scale)" if a.quick == "1" else "") +
      "; every baseline was measured in the same run on the same machine as its figure. The same numbers are in `Benchmarks/results.json`; "
      "the ordo-one tables are in `Benchmarks/results-*.md`. Load averages are 1/5/15 min; on a shared machine wall-clock figures"
      " move with them, and waymark-bench also prints CPU time." +
      "".join(describe(run) for run in runs), "",
      "| what | figure | unit | baseline (same run) | ratio | goal | machine | date | notes |",
      "|---|---:|---|---|---:|---|---|---|---|"]
for r in rows:
    row_machine, row_date = r.get("machine", machine_text), r.get("date", date)
    base = "—" if r.get("baseline") is None else f"{fmt(r['baseline'])} ({r.get('baseline_what', '')})"
    ratio = "—" if r["ratio"] is None else f"{r['ratio']:.3g}"
    md.append(f"| {r['what']} | {fmt(r['value'])} | {r['unit']} | {base} | {ratio} | {r.get('goal') or '—'} | {row_machine} | {row_date[:16].replace('T', ' ')} | {r.get('notes') or ''} |")
md.append("")
open(a.markdown, "w").write("\n".join(md))
result = {"machine": machine, "machine_end": end, "date": date, "quick": a.quick == "1", "figures": rows}
if partial:
    result["partial_runs"] = [run for run in partial_runs if run["date"] in owners]
json.dump(result, open(a.json, "w"), indent=2, sort_keys=True)
