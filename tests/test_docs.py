"""The documentation site builds, shows what the library notebooks compute, and renders in headless Chromium.

The site fixture runs the library notebooks (as `xrlhf docs` does), so the assertions here are on what their
executed outputs must contain: the world's sample prompts printed, the explanation's 2-D figure, the report's tables.
Pages are rendered by Chromium (driven by playwright) and screenshots go to tests/artifacts/."""
import shutil, time
from pathlib import Path
import pytest
from conftest import ROOT
from xrlhf.docs import build_docs

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "tests" / "artifacts"
OUTPUTS = ".jp-OutputArea-output"   # a cell's outputs on a notebook page, not its code or the prose


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    started = time.perf_counter()
    built = build_docs(tmp_path_factory.mktemp("site") / "site")
    print(f"build_docs: {time.perf_counter() - started:.0f} s")
    return built


@pytest.fixture(scope="module")
def browser():
    "A headless Chromium page (1280 x 1400), driven by playwright."
    if CHROMIUM is None: pytest.skip("Chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium.new_page(viewport=dict(width=1280, height=1400))
        chromium.close()


def open_page(browser, page: Path):
    browser.goto(page.as_uri())
    return browser


def screenshot(browser, name: str, element=None) -> Path:
    "A screenshot of the viewport (scrolled to `element` if given) in tests/artifacts/`name`."
    ARTIFACTS.mkdir(exist_ok=True)
    if element is not None: element.scroll_into_view_if_needed()
    browser.screenshot(path=str(ARTIFACTS / name))
    return ARTIFACTS / name


def test_site_pages_exist(site):
    for page in ("index.html", "api/explain.html", "nbs/01_world.html", "nbs/07_explain.html", "nbs/stages/explain.html"):
        assert (site / page).exists(), page


def test_library_notebooks_are_executed(site):
    "Every library notebook's page carries outputs."
    for page in sorted((site / "nbs").glob("[0-9]*.html")):
        assert "jp-OutputArea-output" in page.read_text(), f"{page.name} shows no output"


def test_home_and_api_pages_render(site, browser):
    home = open_page(browser, site / "index.html")
    assert "make reproduce" in home.inner_text("body")
    assert screenshot(home, "home.png").stat().st_size > 10_000
    api = open_page(browser, site / "api" / "explain.html").inner_text("body")
    assert "explain_one" in api  # mkdocstrings rendered the docstrings
    assert "min_norm_point" in api


def test_world_page_shows_sample_prompts_and_responses(site, browser):
    world = open_page(browser, site / "nbs" / "01_world.html")
    printed = "\n".join(world.locator(OUTPUTS).all_inner_texts())
    assert "Human:" in printed          # a dialogue prompt
    assert "Assistant:" in printed
    assert "TL;DR" in printed           # a summarisation prompt
    sample = world.locator(OUTPUTS, has_text="TL;DR").first
    assert screenshot(world, "world.png", sample).stat().st_size > 10_000


def test_explain_page_shows_its_figure(site, browser):
    explain = open_page(browser, site / "nbs" / "07_explain.html")
    assert "Wolfe" in explain.inner_text("body")  # the notebook's prose
    figures = explain.locator(f"{OUTPUTS} img[src^='data:image/png;base64,']")
    assert figures.count() >= 1, "no matplotlib figure in the explain page's outputs"
    assert figures.first.bounding_box()["width"] > 100
    assert screenshot(explain, "explain.png", figures.first).stat().st_size > 10_000


def test_report_page_shows_its_tables(site, browser):
    if not (ROOT / "reports" / "README.md").exists(): pytest.skip("no reports/README.md in this checkout")
    report = open_page(browser, site / "reports" / "index.html")
    assert report.locator("table").count() >= 1
    assert report.locator("img").count() >= 1
    table = report.locator("table").first
    assert table.locator("tr").count() >= 2   # a header and at least one row
    assert screenshot(report, "report.png", table).stat().st_size > 10_000
