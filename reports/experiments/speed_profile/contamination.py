"""contamination.py ROOT: the stage runs of a study that overlapped the windows where other work ran beside it, and
how much longer each took than the median of the same stage and task over the other seeds (an estimate of what the
work beside it cost the study). Windows (UTC, 2026-12-08): a held-out check at nice 10, 03:16-03:19; a make test at
nice 19, 03:43-03:53 (killed)."""
import json, sys, statistics
from datetime import datetime, timedelta
from pathlib import Path

windows = [("03:16", "03:19:30"), ("03:43", "03:53:30")]
day = "2026-12-08"
def at(clock):
    return datetime.fromisoformat(f"{day}T{clock}{':00' if clock.count(':') == 1 else ''}+00:00")
windows = [(at(a), at(b)) for a, b in windows]
runs = []
for manifest in Path(sys.argv[1]).glob("*/seed*/**/manifest.json"):
    m = json.loads(manifest.read_text())
    end = datetime.strptime(m["provenance"]["time"], "%Y-%m-%dT%H:%M:%S%z")
    start = end - timedelta(seconds=m["wall_seconds"])
    runs.append(dict(stage=m["stage"], task=manifest.relative_to(sys.argv[1]).parts[0], seed=m["params"]["seed"],
                     algorithm=m["params"].get("algorithm"), start=start, end=end, seconds=m["wall_seconds"]))
total = sum(r["seconds"] for r in runs)
excess = 0.0
for r in sorted(runs, key=lambda r: r["start"]):
    overlap = sum(max(0, (min(r["end"], b) - max(r["start"], a)).total_seconds()) for a, b in windows)
    if overlap <= 0: continue
    others = [o["seconds"] for o in runs if o["stage"] == r["stage"] and o["task"] == r["task"] and o["seed"] != r["seed"]
              and o["seed"] != 0 and not any(o["start"] < b and o["end"] > a for a, b in windows)]
    median = statistics.median(others) if others else r["seconds"]
    excess += max(0.0, r["seconds"] - median) if r["seed"] != 0 else 0.0
    print(f"{r['task']:<14} seed{r['seed']} {str(r['algorithm']):<6} {r['stage']:<15} {r['seconds']:7.1f} s, "
          f"overlap {overlap:5.0f} s, median of the other seeds {median:7.1f} s")
print(f"{len(runs)} stage runs, {total:.0f} stage-seconds; over the medians in the windows (seed 0 not counted, "
      f"its stages differ): {excess:.0f} stage-seconds")
