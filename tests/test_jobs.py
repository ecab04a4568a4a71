"Parallel stage runs (`xrlhf reproduce --jobs N`) and stage claims: the same numbers for any N, each stage run once."
import json, os, shutil, signal, subprocess, sys, threading
from datetime import datetime
import pytest
from conftest import ROOT, BIN
from test_reliability import _strip_timing, _half_written
import xrlhf.pipeline as pipeline
from xrlhf.core import is_fresh, pin_threads, read_manifest
from xrlhf.pipeline import (StageFailed, claim_path, claim_stage, load_study, reproduce, stage_key, study_graph,
                            take_claim, release_claim)
from xrlhf.study import STAGES, stage_dir


def _notebook_span(notebook):
    "When papermill started and ended an executed stage notebook."
    times = json.loads(notebook.read_text())["metadata"]["papermill"]
    return datetime.fromisoformat(times["start_time"]), datetime.fromisoformat(times["end_time"])


LATE_STAGES = ("unlearn", "finetune", "evaluate", "ablations")  # the fine-tune, evaluation and ablations can overlap


def test_two_runners_on_one_root_at_two_jobs_compute_each_stage_once_with_the_serial_numbers(quick_study, tmp_path):
    """Two `reproduce --jobs 2` started together on a copy of the serial study's root (`--jobs 1`, the default), its
    last four stages deleted: both finish; every stage is complete and fresh; the deleted ones were computed once over
    both runners, some side by side, at the thread count of every stage; the metrics equal the serial study's."""
    settings, root = quick_study["settings"], tmp_path/"artifacts"
    shutil.copytree(quick_study["root"], root)
    for stage in LATE_STAGES:
        shutil.rmtree(stage_dir(root, stage, "dialogue", "remax", 0))
    reports = [tmp_path/"reports_a", tmp_path/"reports_b"]
    runners = [subprocess.Popen([str(BIN/"xrlhf"), "reproduce", "--quick", "--jobs", "2", "--settings", str(settings),
                                 "--root", str(root), "--reports", str(folder)],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for folder in reports]
    logs = [runner.communicate(timeout=1800)[0] for runner in runners]
    assert [runner.returncode for runner in runners] == [0, 0], "\n".join(log[-3000:] for log in logs)
    assert json.loads((quick_study["reports"]/"quick"/"reproduce.json").read_text())["jobs"] == 1
    study_settings, _ = load_study(settings, quick=True)
    for stage in STAGES:  # complete and valid: a manifest with the key the settings and code give
        assert is_fresh(stage_dir(root, stage, "dialogue", "remax", 0),
                        stage_key(study_settings, stage, "dialogue", "remax", 0)), stage
    assert not _half_written(root)
    assert not [path for path in root.rglob(".*") if ".tmp-" in path.name or ".old-" in path.name]
    assert not list(root.rglob(".*.claim"))
    executed = [notebook for folder in reports for notebook in (folder/"runs").rglob("*.ipynb")]
    assert sorted(notebook.stem for notebook in executed) == sorted(LATE_STAGES)  # each by exactly one runner
    spans = sorted(_notebook_span(notebook) for notebook in executed)
    assert any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:])), "no two stage runs overlapped"
    threads = pin_threads()
    assert {read_manifest(stage_dir(root, stage, "dialogue", "remax", 0))["provenance"]["torch_threads"]
            for stage in LATE_STAGES} == {threads}
    want = _strip_timing(json.loads((quick_study["reports"]/"quick"/"metrics.json").read_text()))
    for folder in reports:
        assert _strip_timing(json.loads((folder/"quick"/"metrics.json").read_text())) == want, folder
    for folder in reports:
        runner_log = folder/"quick"/"reproduce.json"
        if runner_log.exists():  # written by a runner that computed something
            assert (json.loads(runner_log.read_text())["jobs"], json.loads(runner_log.read_text())["threads_per_job"]) \
                == (2, threads)


def _hold_claim_then_sleep(out):
    "A child process that takes the claim on `out` as `take_claim` does (a locked file naming it), and sleeps."
    code = ("import fcntl, json, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "os.write(fd, json.dumps(dict(pid=os.getpid(), host='here')).encode())\n"
            "print('held', flush=True)\n"
            "time.sleep(600)")
    claim_path(out).parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", code, str(claim_path(out))], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_live_claim_is_refused_and_a_killed_holders_claim_is_taken_over(tmp_path):
    out = tmp_path/"artifacts"/"dialogue"/"seed0"/"sft"
    holder = _hold_claim_then_sleep(out)
    try:
        with claim_stage(out, wait=False) as claimed:
            assert not claimed
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert json.loads(claim_path(out).read_text())["pid"] == holder.pid  # the stale claim it left
    messages = []
    with claim_stage(out, wait=False, log=messages.append) as claimed:
        assert claimed
        assert json.loads(claim_path(out).read_text())["pid"] == os.getpid()
    assert len(messages) == 1 and f"process {holder.pid}" in messages[0]
    assert not claim_path(out).exists()


def test_a_claim_given_up_leaves_no_folder_and_a_waiter_gets_it(tmp_path):
    out = tmp_path/"artifacts"/"dialogue"/"seed0"/"remax"/"rlhf"
    release_claim(take_claim(out))
    assert not (tmp_path/"artifacts").exists()  # the folders taking it made, empty again, are gone
    first = take_claim(out)
    assert take_claim(out) is None  # held, even against this process
    threading.Timer(0.5, release_claim, [first]).start()
    with claim_stage(out, wait=True, poll=0.05) as claimed:
        assert claimed


def test_a_failing_stage_blocks_what_needs_it_and_the_rest_finish(tmp_path, monkeypatch):
    "Without kernels: `run_stage` replaced by one that records its calls and fails summarisation's SFT."
    calls = []

    def fake_run_stage(stage, task, algorithm, seed, *args, **kwargs):
        calls.append((stage, task, algorithm, seed))
        if (stage, task) == ("sft", "summarisation"):
            raise StageFailed(f"stage 'sft' failed (task={task}, algorithm={algorithm}, seed={seed}, quick=True)")
        return "ran"
    monkeypatch.setattr(pipeline, "run_stage", fake_run_stage)
    messages = []
    with pytest.raises(StageFailed) as failure:
        reproduce(ROOT/"settings.ini", quick=True, root=tmp_path/"artifacts", reports=tmp_path/"reports",
                  log=messages.append, jobs=2)
    graph = study_graph(["dialogue", "summarisation"], ["remax", "ppo"], [0])
    dialogue = [(job.stage, job.task, job.algorithm, job.seed) for job in graph if job.task == "dialogue"]
    assert set(dialogue) <= set(calls)  # the other task is not held up
    assert [call for call in calls if call[1] == "summarisation"] == [("data", "summarisation", "remax", 0),
                                                                      ("sft", "summarisation", "remax", 0)]
    blocked = len(graph) // 2 - 2
    assert "stage 'sft' failed (task=summarisation" in str(failure.value)
    assert f"the {blocked} that need them were not run" in str(failure.value)
    assert sum("not run, an input failed" in message for message in messages) == blocked
    assert not (tmp_path/"reports").exists()  # no report of a study with holes


def test_one_job_runs_the_serial_order(tmp_path, monkeypatch):
    "`--jobs 1` runs the stage runs in the serial runner's order: task, seed, algorithm, stage; shared stages once."
    calls = []
    monkeypatch.setattr(pipeline, "run_stage", lambda stage, task, algorithm, seed, *args, **kwargs:
                        calls.append((task, seed, algorithm, stage)) or "skipped")
    monkeypatch.setattr("xrlhf.report.build_report", lambda *args, **kwargs: None)
    reproduce(ROOT/"settings.ini", quick=True, root=tmp_path/"artifacts", reports=tmp_path/"reports",
              log=lambda message: None, overrides={"quick.seeds": "0, 1"})
    serial = []
    for task in ("dialogue", "summarisation"):
        for seed in (0, 1):
            for algorithm in ("remax", "ppo"):
                serial += [(task, seed, "remax" if not STAGES[stage].per_algorithm else algorithm, stage)
                           for stage in STAGES]
    assert calls == list(dict.fromkeys(serial))


def test_jobs_must_be_positive(tmp_path, capsys):
    assert pipeline.main(["reproduce", "--quick", "--jobs", "0", "--settings", str(ROOT/"settings.ini"),
                          "--root", str(tmp_path/"art")]) == 2
    assert "jobs must be at least 1, got 0" in capsys.readouterr().err
    assert not (tmp_path/"art").exists()

def test_kernels_get_blas_and_openmp_pools_of_the_torch_thread_count(monkeypatch):
    "numpy's OpenBLAS would start a thread per core in every kernel: the runner sizes the pools as torch's."
    from xrlhf.pipeline import LIBRARY_THREAD_VARIABLES, pin_library_threads
    monkeypatch.setenv("XRLHF_THREADS", "3")
    for name in LIBRARY_THREAD_VARIABLES:
        monkeypatch.setenv(name, "8")  # restored after the test
    assert pin_library_threads() == 3
    assert [os.environ[name] for name in LIBRARY_THREAD_VARIABLES] == ["3"] * 3
    assert pin_library_threads(1) == 1 and os.environ["OPENBLAS_NUM_THREADS"] == "1"
