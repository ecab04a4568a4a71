import os, re, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
os.environ.setdefault("XRLHF_QUIET", "1")

def xrlhf(*args, cwd=ROOT, check=True, timeout=1800):
    "Run the `xrlhf` command line; returns the CompletedProcess."
    r = subprocess.run([str(BIN/"xrlhf"), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode: raise AssertionError(f"xrlhf {' '.join(map(str, args))} failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-4000:]}")
    return r

def edit_settings(src: Path, dst: Path, **sections):
    "Copy settings.ini to `dst`, replacing `key = value` lines given as sections={'study': {'tasks': 'dialogue'}}."
    lines, sec, todo = [], None, {(s, k): v for s, kv in sections.items() for k, v in kv.items()}
    for line in src.read_text().splitlines():
        m = re.match(r"\[(.+)\]\s*$", line)
        if m: sec = m.group(1)
        k = line.split("=")[0].strip() if "=" in line and not line.lstrip().startswith(("#", ";")) else None
        if (sec, k) in todo: line = f"{k} = {todo.pop((sec, k))}"
        lines.append(line)
    assert not todo, f"not found: {list(todo)}"
    dst.write_text("\n".join(lines) + "\n"); return dst

@pytest.fixture(scope="session")
def quick_study(tmp_path_factory):
    "A quick study of one task and one algorithm, run once for the session by the real runner."
    d = tmp_path_factory.mktemp("study")
    s = edit_settings(ROOT/"settings.ini", d/"settings.ini", study=dict(tasks="dialogue", algorithms="remax"),
                      ablations=dict(names="no_kl, random_set"))
    r = xrlhf("reproduce", "--quick", "--settings", s, "--root", d/"artifacts", "--reports", d/"reports")
    return dict(dir=d, settings=s, root=d/"artifacts", reports=d/"reports", log=r.stdout + r.stderr)
