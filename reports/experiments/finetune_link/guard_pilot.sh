#!/bin/bash
# The guarded stop rule (stop_acc 0, max_guard_drop 0.02) on the 24f72f1 rerun's ReMax runs, new code (<checkout>).
cd <checkout>
export PYTHONPATH=<checkout> XRLHF_THREADS=1 OMP_NUM_THREADS=1 PYTHONHASHSEED=0 XRLHF_QUIET=1
while read task seed algo; do
  .venv/bin/python reports/experiments/finetune_link/guard_pilot.py /work/study/artifacts $task $seed $algo \
    /work/pilot_unl/guard/${task}_${algo}_s$seed stop_acc=0.0 max_guard_drop=0.02 2>>/work/pilot_unl/guard.err \
    | grep '^{' >> /work/pilot_unl/guard.jsonl
done < /work/pilot_unl/$1
echo done >> /work/pilot_unl/guard.jsonl
