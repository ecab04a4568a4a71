"""stage_prof.py STAGE TASK ALGORITHM SEED CLONE: cProfile one stage of the study, its inputs read from CLONE/artifacts
(a finished `xrlhf reproduce` in a clone of the kit) through `xrlhf.pipeline.open_stage`, its output written into a
temporary folder; torch threads pinned as the pipeline pins them ($XRLHF_THREADS)."""
import cProfile, pstats, sys, tempfile, time
from pathlib import Path
from xrlhf.pipeline import open_stage

stage, task, algorithm, seed, clone = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), Path(sys.argv[5])
run = open_stage(stage, task, algorithm, seed, settings=clone/"settings.ini", quick=False, root=clone/"artifacts",
                 build_missing=False)
arguments = run.arguments(Path(tempfile.mkdtemp()))
profile = cProfile.Profile()
started = time.time()
profile.enable()
run.stage.run(**arguments)
profile.disable()
print("total", time.time() - started)
pstats.Stats(profile).sort_stats("cumulative").print_stats(60)
