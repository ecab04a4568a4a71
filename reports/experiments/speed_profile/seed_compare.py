"""seed_compare.py ROOT1 ROOT4: stage-seconds of one seed's whole study (both tasks and algorithms) from two artifact
roots, run side by side at length_chunks 1 and 4; per stage and in total."""
import json, sys
from pathlib import Path
def seconds(root):
    out = {}
    for manifest in Path(root).rglob("manifest.json"):
        stage = manifest.parent.name
        out[stage] = out.get(stage, 0.0) + json.load(open(manifest))["wall_seconds"]
    return out
one, four = seconds(sys.argv[1]), seconds(sys.argv[2])
print(f"{'stage':<16}{'chunks 1':>10}{'chunks 4':>10}{'change':>9}")
for stage in sorted(one, key=lambda s: -one[s]):
    print(f"{stage:<16}{one[stage]:>10.1f}{four.get(stage, float('nan')):>10.1f}{four.get(stage, 0) / one[stage] - 1:>+9.1%}")
print(f"{'total':<16}{sum(one.values()):>10.1f}{sum(four.values()):>10.1f}{sum(four.values()) / sum(one.values()) - 1:>+9.1%}")
