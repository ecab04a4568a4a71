"""stage_prof.py STAGE TASK ALGORITHM SEED CLONE: cProfile one stage of the study, reading its inputs from CLONE/artifacts
(a finished `xrlhf reproduce` in a clone of the kit) and writing into a temporary folder; one torch thread."""
import cProfile, pstats, sys, time, tempfile, torch
torch.set_num_threads(1)
from pathlib import Path
from xrlhf.core import load_settings
from xrlhf import study
stage, task, alg, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
s = load_settings(sys.argv[5] + '/settings.ini')
root = Path(sys.argv[5])/'artifacts'
st = study.STAGES[stage]
kw = {f"{i}_dir": study.stage_dir(root, i, task, alg, seed) for i in st.inputs}
for name in st.settings: kw[name] = study.setting_value(s, name)
import inspect
params = inspect.signature(st.run).parameters
ident = dict(task=task, algorithm=alg, seed=seed)
kw.update({k: v for k, v in ident.items() if k in params})
missing = [p for p in params if p not in kw and p != 'out']
print('missing', missing)
out = Path(tempfile.mkdtemp())
pr = cProfile.Profile()
t = time.time()
pr.enable()
st.run(out, **kw)
pr.disable()
print('total', time.time() - t)
pstats.Stats(pr).sort_stats('cumulative').print_stats(60)
