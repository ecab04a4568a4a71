#!/bin/bash
# usage: pilot.sh NAME TASK SEED ALGO [-p k v ...]: data..unsatisfactory on /work/pilot2 code, then summ.py
name=$1; task=$2; seed=$3; algo=$4; shift 4
cd /work/pilot2
export PYTHONPATH=/work/pilot2 XRLHF_THREADS=1 OMP_NUM_THREADS=1 PYTHONHASHSEED=0
X=/work/main/.venv/bin/xrlhf; P=/work/main/.venv/bin/python
R=/work/pilot2/runs/$name
mkdir -p $R
$X run unsatisfactory --task $task --seed $seed --algorithm $algo --root $R "$@" > $R.$task.$algo.log 2>&1
{ echo "== $name $task s$seed $algo $*"; grep -E "^\s+(data|sft|reward|rlhf|unsatisfactory) " $R.$task.$algo.log
  $P /tmp/an/summ.py $R $task $seed $algo; } >> /work/pilot2/runs/results.txt 2>&1
