#!/bin/bash
export PYTHONPATH=/work/pilot_sft XRLHF_THREADS=1 XRLHF_QUIET=1
for task in dialogue summarisation; do
  /usr/bin/time -f "$task %e s" /work/main/.venv/bin/xrlhf run unsatisfactory --task $task --algorithm remax --seed 0 --root /work/pilot_sft/artifacts --reports /work/pilot_sft/reports
done
echo done
