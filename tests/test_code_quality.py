"The checks of `tests/code_quality.py` on tiny constructed inputs: each flags what it should and nothing else."
import json
from code_quality import (chained_lines, coverage_table, directives, identifiers, import_cycles, import_graph,
                          imported_modules, long_lines, module_all, notebook_usage)


def test_chained_statements_are_flagged():
    assert chained_lines("a = 1; b = 2\n") == [1]


def test_one_line_if_with_chained_body_is_flagged():
    assert chained_lines("x = 0\nif x: a = 1; b = 2\n") == [2]


def test_semicolon_in_string_or_comment_is_not_flagged():
    assert chained_lines("s = 'a; b'\nt = \"\"\"x;\ny\"\"\"\nc = 3  # one; two\n") == []


def test_long_lines():
    assert long_lines("x = 1\n" + "y = '" + "z" * 200 + "'\n", limit=120) == [(2, 206)]


def test_nbdevs_generated_all_is_not_a_long_line():
    names = ", ".join(f"'name_{i:02d}'" for i in range(12))
    src = f"import os\n\n# %% auto #0\n__all__ = [{names},\n           'last']\nx = [{names}]\n"
    assert [number for number, _ in long_lines(src, limit=100)] == [6]


def test_line_of_exactly_the_limit_passes():
    assert long_lines("a" * 120 + "\n", limit=120) == []


def test_imports_of_every_form_are_found():
    src = ("from .core import x\nimport xrlhf.world\nfrom xrlhf.rl import y\nfrom . import sft\n"
           "def f():\n    from xrlhf.explain import z\n")
    modules = ["core", "world", "rl", "sft", "explain", "report"]
    assert imported_modules(src, modules) == {"core", "world", "rl", "sft", "explain"}


def test_foreign_imports_are_ignored():
    assert imported_modules("import numpy as np\nfrom os import path\nfrom core import x\n", ["core", "path"]) == set()


def test_two_module_cycle_is_found():
    sources = {"a": "from .b import f\n", "b": "def g():\n    from xrlhf.a import h\n", "c": "from .a import f\n"}
    graph = import_graph(sources)
    assert import_cycles(graph) == [["a", "b", "a"]]


def test_acyclic_graph_has_no_cycle():
    sources = {"a": "from .b import f\n", "b": "", "c": "from .a import f\nfrom .b import g\n"}
    assert import_cycles(import_graph(sources)) == []


def test_self_import_is_not_a_cycle():
    assert import_cycles(import_graph({"a": "from .a import f\n"})) == []


def test_three_module_cycle_is_reported_by_its_modules():
    graph = import_graph({"a": "from .b import f\n", "b": "from .c import f\n", "c": "import xrlhf.a\n"})
    assert import_cycles(graph) == [["a", "b", "c", "a"]]


def test_module_all():
    assert module_all("x = 1\n__all__ = ['f', 'G']\n") == ["f", "G"]


def test_directives():
    assert directives("#| export\n#| hide\nx = 1\n") == {"export": "", "hide": ""}
    assert directives("#| default_exp world\n") == {"default_exp": "world"}
    assert directives("x = 1\n#| export\n") == {}


def test_identifiers_leave_out_strings_and_comments():
    assert identifiers("f(x)  # g\ns = 'h'\n") == {"f", "x", "s"}


def test_identifiers_skip_magics():
    assert identifiers("%time f()\n!ls\ng()\n") == {"g"}


def code_cell(source):
    return dict(cell_type="code", source=source, metadata={}, outputs=[])


def test_usage_counts_only_non_export_cells():
    cells = [code_cell("#| export\ndef f(): return g()\ndef g(): pass\ndef h(): pass"), code_cell("f()  # h()"),
             dict(cell_type="markdown", source="`g` and `h`", metadata={})]
    assert notebook_usage(cells, ["f", "g", "h"]) == {"f"}


def test_coverage_table_on_a_tiny_project(tmp_path):
    (tmp_path / "nbs").mkdir()
    (tmp_path / "xrlhf").mkdir()
    (tmp_path / "xrlhf" / "mod.py").write_text("__all__ = ['f', 'g']\n")
    cells = [code_cell("#| default_exp mod"), code_cell("#| export\ndef f(): pass\ndef g(): pass"), code_cell("f()")]
    (tmp_path / "nbs" / "01_mod.ipynb").write_text(json.dumps(dict(cells=cells)))
    (tmp_path / "nbs" / "index.ipynb").write_text(json.dumps(dict(cells=[code_cell("g()")])))
    assert coverage_table(tmp_path) == [dict(notebook="01_mod.ipynb", module="mod", total=2, used=1, unused=["g"])]
