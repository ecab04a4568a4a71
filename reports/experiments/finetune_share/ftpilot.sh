cd /work/main
export PYTHONPATH=/work/main XRLHF_THREADS=1 OMP_NUM_THREADS=1 PYTHONHASHSEED=0 XRLHF_QUIET=1
R=/work/study11/artifacts
for cfg in "2 unsat_share=0.5" "3 unsat_share=0.5" "0 unsat_share=0.5" "2 unsat_share=0.5 steps=80"; do
  set -- $cfg; seed=$1; shift
  .venv/bin/python /tmp/an/ftpilot.py $R dialogue $seed remax /tmp/ftpilot/s${seed}_$(echo "$@" | tr ' =' '_-') "$@" 2>>/tmp/ftpilot/err.log | grep '^{' >> /tmp/ftpilot/results.jsonl
done
echo done >> /tmp/ftpilot/results.jsonl
