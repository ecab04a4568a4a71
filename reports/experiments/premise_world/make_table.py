"""The sweep's table: python make_table.py > table.md (reads results/*.json written by sweep.py)."""
import glob, json
print("| config | task | algorithm | overrides | planted | rm prefers claim (region / outside) | trait SFT -> RLHF "
      "(greedy, region) | unsat caused share | background unsat | unsat | RLHF vs SFT |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for path in sorted(glob.glob("results/*.json")):
    r = json.load(open(path))
    premise = r["premise"]
    family = next(iter(premise["families"]))
    f = premise["families"][family]
    overrides = ", ".join(f"{k.split('.')[1]}={v}" for k, v in r["overrides"].items())
    outside = r.get(f"{family}_prefers_outside")
    caused = premise["unsat_caused_share"]
    print(f"| {r['name']} | {r['task']} | {r['algo']} | {overrides} | {premise['planted_share']:.1%} | "
          f"{f['rm_prefers_flawed']:.2f} / {'n/a' if outside is None else f'{outside:.2f}'} | "
          f"{f['trait_rate_sft']:.2f} -> {f['trait_rate_rlhf']:.2f} | {'n/a' if caused is None else f'{caused:.2f}'} | "
          f"{premise['background_unsat_rate']:.1%} | {r['unsat_fraction']:.1%} | {r['rlhf_vs_sft']:.1%} |")
