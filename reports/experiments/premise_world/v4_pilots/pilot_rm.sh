#!/bin/bash
# usage: pilot_rm.sh NAME TASK SEED [-p k v ...]
name=$1; task=$2; seed=$3; shift 3
cd /work/pilot
export PYTHONPATH=/work/pilot XRLHF_THREADS=1 OMP_NUM_THREADS=1
X=/work/main/.venv/bin/xrlhf
$X run reward --task $task --seed $seed --root /work/pilot/runs/$name "$@" > /work/pilot/runs/$name.$task.log 2>&1
/work/main/.venv/bin/python /tmp/an/lift2.py /work/pilot/runs/$name $task $seed 2>&1 | tail -1 >> /work/pilot/runs/results.txt
