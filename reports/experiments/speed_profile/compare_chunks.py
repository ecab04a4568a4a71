"""compare_chunks.py OLD NEW1 NEW4: per stage of dialogue ReMax seed 0, the seconds in each artifact root's manifests
(OLD: the code before length_chunks; NEW1, NEW4: after it, at length_chunks 1 and 4) and whether OLD's and NEW1's
metrics.json are equal once their timings are left out."""
import json, sys
roots = dict(old=sys.argv[1], new1=sys.argv[2], new4=sys.argv[3])
stages = ['data','sft','reward','clean_reward','random_control','remax/rlhf','remax/unsatisfactory','remax/explain',
          'remax/unlearn','remax/finetune','remax/evaluate','remax/ablations']
def path(root, stage):
    return f'{root}/dialogue/seed0/{stage}' if '/' in stage else f'{root}/dialogue/seed0/{stage}'
def strip(x):
    if isinstance(x, dict): return {k: strip(v) for k, v in x.items() if 'seconds' not in k}
    if isinstance(x, list): return [strip(v) for v in x]
    return x
for stage in stages:
    row = [stage]
    ms = {}
    for name, root in roots.items():
        p = path(root, stage)
        try:
            row.append(json.load(open(p + '/manifest.json'))['wall_seconds'])
        except Exception as e:
            row.append(None)
        try: ms[name] = json.load(open(p + '/metrics.json'))
        except Exception: ms[name] = None
    same = None if ms['old'] is None or ms['new1'] is None else strip(ms['old']) == strip(ms['new1'])
    print(*row, 'metrics old==new1:', same)
