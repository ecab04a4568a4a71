"""Code-quality gate for the generated library (`python tests/code_quality.py`; exit status 1 on failure).

It prints, then asserts, over `xrlhf/*.py` (the generated `_modidx.py` aside):

* no statements chained with `;` (found with `tokenize`, so a `;` inside a string or a comment is fine);
* no line over 120 characters (nbdev's generated `__all__` aside: nbdev wraps it at 120 before prefixing it);
* no import cycle among the xrlhf modules (function-local imports included, since they cycle at call time too);

and, per library notebook `nbs/[0-9]*.ipynb` with a `#| default_exp`, how many of the module's exported names
(`__all__`) the notebook uses outside the cells that define them: the literate target is 90% over all notebooks.
"""
from __future__ import annotations
import ast, io, json, re, sys, tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "xrlhf"
MAX_LINE = 120
MIN_COVERAGE = 0.90
# cells holding the library's code: a name used there is a definition or an internal use, not an example
EXPORT_DIRECTIVES = {"export", "exports", "exporti"}


def chained_lines(src: str) -> list[int]:
    "Line numbers where `;` separates statements: `;` operator tokens, never those inside strings or comments."
    tokens = tokenize.generate_tokens(io.StringIO(src).readline)
    return sorted({tok.start[0] for tok in tokens if tok.type == tokenize.OP and tok.string == ";"})


def nbdev_all_lines(src: str) -> set[int]:
    """Line numbers of the `__all__` that nbdev writes after `# %% auto #0`. nbdev wraps the list at 120 characters
    and then puts `__all__ = ` in front of it, so its first line can reach 130; nobody writes it by hand."""
    lines = src.splitlines()
    for node in ast.parse(src).body:
        is_all = isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
        if is_all and node.lineno >= 2 and lines[node.lineno - 2].strip() == "# %% auto #0":
            return set(range(node.lineno, node.end_lineno + 1))
    return set()


def long_lines(src: str, limit: int = MAX_LINE) -> list[tuple[int, int]]:
    "`(line number, length)` of each line longer than `limit` characters, nbdev's generated `__all__` aside."
    generated = nbdev_all_lines(src)
    return [(number, len(line)) for number, line in enumerate(src.splitlines(), 1)
            if len(line) > limit and number not in generated]


def library_sources(lib_dir: Path = ROOT / PACKAGE) -> dict[str, str]:
    "`{module name: source}` of the package's modules, without nbdev's generated index `_modidx.py`."
    return {path.stem: path.read_text() for path in sorted(Path(lib_dir).glob("*.py")) if path.name != "_modidx.py"}


def imported_modules(src: str, modules, package: str = PACKAGE) -> set[str]:
    "The names in `modules` that `src` imports anywhere (module level or inside functions), relatively or absolutely."
    found = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == package and len(parts) > 1: found.add(parts[1])
        elif isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".") if node.module else []
            if node.level == 0 and parts[:1] == [package]: parts = parts[1:]
            elif node.level == 0: continue
            if parts: found.add(parts[0])
            # `from . import world` / `from xrlhf import world` import the module itself
            else: found.update(alias.name for alias in node.names)
    return found & set(modules)


def import_graph(sources: dict[str, str], package: str = PACKAGE) -> dict[str, set[str]]:
    "`{module: modules it imports}` among the modules of `sources`, self-imports left out."
    return {name: imported_modules(src, sources, package) - {name} for name, src in sources.items()}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    "One cycle per strongly connected group of modules, as the path `[a, b, ..., a]`; `[]` when the graph is acyclic."
    index, lowlink, on_stack, stack, groups = {}, {}, set(), [], []

    def connect(node):  # Tarjan's algorithm
        index[node] = lowlink[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                lowlink[node] = min(lowlink[node], lowlink[target])
            elif target in on_stack:
                lowlink[node] = min(lowlink[node], index[target])
        if lowlink[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node: break
            if len(group) > 1: groups.append(group)

    for node in sorted(graph):
        if node not in index: connect(node)
    return [_cycle_within(graph, group) for group in groups]


def _cycle_within(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    "A shortest cycle through the first module of a strongly connected `group` (breadth-first)."
    start = min(group)
    parent, frontier = {start: None}, [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & group):
                if target == start:
                    path = [node]
                    while parent[path[-1]] is not None: path.append(parent[path[-1]])
                    return path[::-1] + [start]
                if target not in parent:
                    parent[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle in the strongly connected group {sorted(group)}")


def module_all(src: str) -> list[str]:
    "The module's `__all__` (a literal list, as nbdev writes it), or `[]`."
    for node in ast.parse(src).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return list(ast.literal_eval(node.value))
    return []


def directives(cell_source: str) -> dict[str, str]:
    "`{directive: its arguments}` from a code cell's leading `#| ...` lines."
    found = {}
    for line in cell_source.splitlines():
        if not line.strip(): continue
        match = re.match(r"\s*#\|\s*([\w-]+):?\s*(.*)", line)
        if not match: break
        found[match.group(1)] = match.group(2).strip()
    return found


def identifiers(code: str) -> set[str]:
    "The identifier tokens of `code` (not words in strings or comments); IPython `%`/`!` lines are left out."
    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        return {tok.string for tok in tokenize.generate_tokens(io.StringIO(code).readline) if tok.type == tokenize.NAME}
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # a cell that does not tokenize (unfinished on purpose): fall back to every word outside comments
        return set(re.findall(r"[A-Za-z_]\w*", re.sub(r"#.*", "", code)))


def notebook_usage(cells: list[dict], exported: list[str]) -> set[str]:
    "The names of `exported` that the notebook's code cells use, `#| export` cells (the definitions) aside."
    used = set()
    for cell in cells:
        if cell.get("cell_type") != "code": continue
        source = "".join(cell.get("source", ""))
        if EXPORT_DIRECTIVES & directives(source).keys(): continue
        used |= identifiers(source) & set(exported)
    return used


def default_exp(cells: list[dict]) -> str | None:
    "The module a notebook exports to (its `#| default_exp`), or None."
    for cell in cells:
        if cell.get("cell_type") == "code":
            module = directives("".join(cell.get("source", ""))).get("default_exp")
            if module: return module.split()[0]
    return None


def coverage_table(root: Path = ROOT, package: str = PACKAGE) -> list[dict]:
    "Per library notebook with a `default_exp`: its module's exported names, those used in the notebook, those not."
    rows = []
    for notebook in sorted((Path(root) / "nbs").glob("[0-9]*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        module = default_exp(cells)
        if module is None: continue
        module_file = Path(root) / package / (module.replace(".", "/") + ".py")
        exported = module_all(module_file.read_text()) if module_file.exists() else []
        used = notebook_usage(cells, exported)
        rows.append(dict(notebook=notebook.name, module=module, total=len(exported), used=len(used),
                         unused=[name for name in exported if name not in used]))
    return rows


def main(root: Path = ROOT) -> int:
    "Print every finding and the coverage table; 1 if any check fails, else 0."
    failures = []
    sources = library_sources(Path(root) / PACKAGE)

    print(f"== statements chained with `;` and lines over {MAX_LINE} characters in {PACKAGE}/*.py ==")
    n_chained = n_long = 0
    for name, src in sources.items():
        for number in chained_lines(src):
            print(f"{PACKAGE}/{name}.py:{number}: `;` chains statements")
            n_chained += 1
        for number, length in long_lines(src):
            print(f"{PACKAGE}/{name}.py:{number}: {length} characters")
            n_long += 1
    n_generated = sum(len(line) > MAX_LINE for src in sources.values() for number, line in enumerate(src.splitlines(), 1)
                      if number in nbdev_all_lines(src))
    print(f"{n_chained} chained-statement line(s), {n_long} long line(s) in {len(sources)} modules "
          f"({n_generated} line(s) of nbdev's generated `__all__` over {MAX_LINE}, not counted)")
    if n_chained: failures.append(f"{n_chained} line(s) chain statements with `;`")
    if n_long: failures.append(f"{n_long} line(s) over {MAX_LINE} characters")

    print("\n== import cycles among the library's modules ==")
    cycles = import_cycles(import_graph(sources))
    for cycle in cycles: print("cycle: " + " -> ".join(cycle))
    print(f"{len(cycles)} import cycle(s)")
    if cycles: failures.append(f"{len(cycles)} import cycle(s): " + "; ".join(" -> ".join(c) for c in cycles))

    print("\n== exported names used in their notebook outside their definition ==")
    rows = coverage_table(root)
    print(f"{'notebook':<22} {'used':>5} {'total':>6} {'percent':>8}")
    for row in rows:
        percent = 100 * row["used"] / row["total"] if row["total"] else 100.0
        print(f"{row['notebook']:<22} {row['used']:>5} {row['total']:>6} {percent:>7.1f}%")
    used, total = sum(r["used"] for r in rows), sum(r["total"] for r in rows)
    share = used / total if total else 1.0
    print(f"{'all notebooks':<22} {used:>5} {total:>6} {100 * share:>7.1f}%")
    for row in rows:
        if row["unused"]: print(f"unused in {row['notebook']}: {', '.join(row['unused'])}")
    if share < MIN_COVERAGE:
        failures.append(f"exported names used in their notebooks: {100 * share:.1f}% < {100 * MIN_COVERAGE:.0f}%")

    print()
    for failure in failures: print(f"FAIL: {failure}")
    if not failures: print("code quality: all checks pass")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
