"Settings, sync checks, notebooks and parameters, README."
import json, shutil, subprocess, sys
from pathlib import Path
import pytest
from conftest import ROOT, BIN, xrlhf, edit_settings
from xrlhf.core import load_settings, SettingsError
from xrlhf.pipeline import check_sync
from xrlhf.docs import render_readme

def test_settings_load():
    S = load_settings(ROOT/"settings.ini")
    assert S.study.algorithms == ["remax", "ppo"] and len(S.study.seeds) >= 2  # several seeds, for intervals across seeds

@pytest.mark.parametrize("sec,key,val,msg", [
    ("world", "n_validation", "-5", "[world] n_validation"),
    ("world", "data_split", "1, 2", "[world] data_split"),
    ("rl", "steps", "many", "[rl] steps"),
    ("study", "algorithms", "dpo", "[study] algorithms"),
    ("explain", "reading", "magic", "[explain] reading"),
    ("explain", "explainer", "magic", "[explain] explainer"),
])
def test_malformed_settings_name_the_key_and_write_nothing(tmp_path, sec, key, val, msg):
    bad = edit_settings(ROOT/"settings.ini", tmp_path/"settings.ini", **{sec: {key: val}})
    with pytest.raises(SettingsError, match=msg.replace("[", r"\[").replace("]", r"\]")): load_settings(bad)
    r = xrlhf("reproduce", "--quick", "--settings", bad, "--root", tmp_path/"art", "--reports", tmp_path/"rep", check=False)
    assert r.returncode == 2 and msg in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path/"rep").exists() and not (tmp_path/"art").exists()

def test_unknown_key_and_missing_section(tmp_path):
    p = tmp_path/"s.ini"; p.write_text((ROOT/"settings.ini").read_text().replace("[rl]\n", "[rl]\nwarp = 9\n"))
    with pytest.raises(SettingsError, match=r"\[rl\] warp: unknown key"): load_settings(p)
    txt = (ROOT/"settings.ini").read_text(); i = txt.index("[evaluate]"); j = txt.index("[", i + 1)
    p.write_text(txt[:i] + txt[j:])
    with pytest.raises(SettingsError, match=r"\[evaluate\]: missing section"): load_settings(p)

def _copy_repo(dst):
    for x in ("nbs", "xrlhf"): shutil.copytree(ROOT/x, dst/x, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT/"pyproject.toml", dst/"pyproject.toml")

def test_repo_in_sync():
    assert check_sync() == []

def test_hand_edit_of_library_is_caught(tmp_path):
    _copy_repo(tmp_path)
    f = tmp_path/"xrlhf"/"explain.py"; f.write_text(f.read_text().replace("def project(", "def project(  ", 1))
    probs = check_sync(tmp_path)
    assert any("xrlhf/explain.py" in p and "out of sync" in p for p in probs), probs
    assert "def project(  " in f.read_text()  # the check never overwrites the hand edit

def test_unclean_notebook_is_caught(tmp_path):
    _copy_repo(tmp_path)
    f = tmp_path/"nbs"/"06_evaluate.ipynb"; nb = json.loads(f.read_text())
    nb["cells"][0]["metadata"]["scrolled"] = True; nb["cells"][0]["execution_count"] = 7
    f.write_text(json.dumps(nb, indent=1))
    assert any("06_evaluate.ipynb" in p and "not clean" in p for p in check_sync(tmp_path))

def test_parameters_tag_survives_nbdev_clean_and_papermill_injects(tmp_path):
    import papermill as pm
    nb = tmp_path/"rlhf.ipynb"; shutil.copy(ROOT/"nbs"/"stages"/"rlhf.ipynb", nb)
    d = json.loads(nb.read_text()); d["cells"][1]["metadata"]["tags"] = ["parameters"]; d["cells"][1]["metadata"]["collapsed"] = True
    nb.write_text(json.dumps(d))
    subprocess.run([str(BIN/"nbdev-clean"), "--fname", str(nb)], cwd=ROOT, check=True, capture_output=True)
    cells = json.loads(nb.read_text())["cells"]
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and "collapsed" not in tagged[0]["metadata"]
    out = tmp_path/"out.ipynb"
    pm.execute_notebook(str(nb), str(out), parameters=dict(task="summarisation", seed=7), prepare_only=True, kernel_name="python3", language="python")
    inj = [c for c in json.loads(out.read_text())["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(inj) == 1 and "task = \"summarisation\"" in "".join(inj[0]["source"]) and "seed = 7" in "".join(inj[0]["source"])

def test_every_stage_notebook_has_one_parameters_cell():
    for nb in (ROOT/"nbs"/"stages").glob("*.ipynb"):
        cells = json.loads(nb.read_text())["cells"]
        assert sum("parameters" in c["metadata"].get("tags", []) for c in cells) == 1, nb.name

def test_readme_is_rendered_from_index():
    assert (ROOT/"README.md").read_text() == render_readme(ROOT/"nbs"/"index.ipynb"), "README.md is stale: run `xrlhf readme`"
    first = "\n".join((ROOT/"README.md").read_text().splitlines()[:30])
    assert "make reproduce" in first and "make test" in first
