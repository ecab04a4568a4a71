"The documentation site builds and renders in headless Chromium."
import shutil, subprocess
from pathlib import Path
import pytest
from conftest import ROOT
from xrlhf.docs import build_docs

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

def chrome(url, tmp, *extra):
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp}/profile", *extra, url], capture_output=True, text=True, timeout=120)

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_docs(tmp_path_factory.mktemp("site")/"site")

def test_site_pages_exist(site):
    for p in ("index.html", "api/explain.html", "nbs/07_explain.html", "nbs/stages/explain.html"): assert (site/p).exists(), p

@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it)")
def test_pages_render_in_chromium(site, tmp_path):
    art = ROOT/"tests"/"artifacts"; art.mkdir(exist_ok=True)
    home = chrome((site/"index.html").as_uri(), tmp_path, "--dump-dom").stdout
    assert "make reproduce" in home and "xrlhf" in home
    api = chrome((site/"api"/"explain.html").as_uri(), tmp_path, "--dump-dom").stdout
    assert "explain_one" in api and "min_norm_point" in api  # mkdocstrings rendered the docstrings
    nb = chrome((site/"nbs"/"07_explain.html").as_uri(), tmp_path, "--dump-dom").stdout
    assert "Wolfe" in nb and "jp-Cell" in nb  # the notebook's prose and cells
    if (site/"reports"/"index.html").exists():
        rep = chrome((site/"reports"/"index.html").as_uri(), tmp_path, "--dump-dom").stdout
        assert "<table" in rep and "<img" in rep
        chrome((site/"reports"/"index.html").as_uri(), tmp_path, f"--screenshot={art/'report.png'}", "--window-size=1280,2000")
        assert (art/"report.png").stat().st_size > 10_000
    chrome((site/"index.html").as_uri(), tmp_path, f"--screenshot={art/'home.png'}", "--window-size=1280,1000")
    assert (art/"home.png").stat().st_size > 10_000
