"""study_reproduced.py NEW OLD: every run of two study metrics.json files (per-run entries, `summary` and `paired`),
timings and provenance left out: which fields differ? Used to check that a clean rerun of the final code reproduces
the committed reports/metrics.json."""
import json, sys

def strip(x):
    if isinstance(x, dict): return {k: strip(v) for k, v in x.items() if 'seconds' not in k and k != 'provenance'}
    if isinstance(x, list): return [strip(v) for v in x]
    return x

new, old = (strip(json.load(open(path))) for path in sys.argv[1:3])
print("entries:", len(new), "in NEW,", len(old), "in OLD; only in one:", sorted(set(new) ^ set(old)))
n_same = 0
for key in sorted(set(new) & set(old)):
    differ = [field for field in set(new[key]) | set(old[key]) if new[key].get(field) != old[key].get(field)]
    n_same += not differ
    if differ: print(key, "differs in", sorted(differ))
print(f"{n_same} of {len(set(new) & set(old))} entries equal in every field")
