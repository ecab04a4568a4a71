#!/bin/bash
# Unlearning stop-rule pilot: [unlearn] stop_acc 0.25 / 0.0 on copies of the 24f72f1 rerun's summarisation seeds 0-3
# (ReMax), then the default fine-tune and evaluation; one torch thread.
cd <checkout>
export XRLHF_THREADS=1 OMP_NUM_THREADS=1 PYTHONHASHSEED=0 XRLHF_QUIET=1
for s in 0 1 2 3; do
  for v in "acc25 0.25" "acc0 0.0"; do
    set -- $v
    for stage in unlearn finetune evaluate; do
      .venv/bin/xrlhf run $stage --task summarisation --algorithm remax --seed $s -p unlearn.stop_acc $2 \
        --root /work/pilot_unl/$1/artifacts --reports /work/pilot_unl/$1/reports >> /work/pilot_unl/$1.log 2>&1
    done
    echo "$1 seed$s done" >> /work/pilot_unl/progress.txt
  done
done
