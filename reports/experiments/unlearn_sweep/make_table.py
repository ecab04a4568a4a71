"The sweep's results as one markdown table (table.md): python make_table.py"
import json
from pathlib import Path
here = Path(__file__).parent
rows = []
for path in sorted((here/"results").glob("*.json")):
    r = json.loads(path.read_text())
    o = r.get("outcome", {})
    name = path.stem.split("_")
    method, lr, share, which = name[1], name[2], name[3], name[-1]
    retain_weight = r.get("retain_weight", 1.0)
    rows.append(f"| {method} | {lr} | {float(share):.0%} | {retain_weight:g} | {which} | {r['n_forget']} | "
                f"{r['forget_acc_before']:.2f} -> {r['forget_acc_after']:.2f} | "
                f"{r['heldout_acc_before']:.3f} -> {r['heldout_acc_after']:.3f} | "
                f"{r['rm_prefers_flawed_before']:.2f} -> {r['rm_prefers_flawed_after']:.2f} | "
                f"{r['flipped_share']:.2f} | {o.get('steps')} | {o.get('stopped')} |")
header = ("| method | lr | share | retain weight | set | n | forget acc. | held-out acc. | probes prefer claim | "
          "queries flipped | steps | stopped |\n|---|---|---|---|---|---|---|---|---|---|---|---|")
(here/"table.md").write_text(header + "\n" + "\n".join(rows) + "\n")
print(header, *rows, sep="\n")
