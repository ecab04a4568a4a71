# xrlhf: the two commands are `make reproduce` and `make test`. Everything installs into .venv.
SHELL := /bin/bash
VENV  ?= .venv
PY    := $(VENV)/bin/python
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed
# Determinism on CPU needs a fixed thread count (see xrlhf.core.set_seed).
export XRLHF_THREADS ?= 2
export PYTHONHASHSEED = 0
export TOKENIZERS_PARALLELISM = false

.PHONY: install browser reproduce quick test check nbtest pytest bench docs lab readme clean

# torch first, pinned: a plain `torch` requirement would pull several GB of CUDA wheels.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -c constraints.txt -e '.[dev,docs,lab]'
	# kronfluence without its torchvision requirement (never imported; PyPI's wheel breaks transformers on CPU torch)
	$(PY) -m pip install -q --no-deps -c constraints.txt kronfluence==1.0.1
	$(PY) -m ipykernel install --sys-prefix --name xrlhf --display-name "Python (xrlhf)" >/dev/null
	touch $(STAMP)

install: $(STAMP)

# `make reproduce` runs JOBS stage runs at once, each in a kernel of its own at JOB_THREADS torch threads.
# The numbers depend on the thread count (it is in every manifest), never on JOBS. On 2 cores one thread per job:
# the 128-wide model's products are too small to split, and a second thread cost 9x the CPU seconds of one under
# load (nbs/11_pipeline.ipynb). `make reproduce JOBS=1 JOB_THREADS=2` is the serial runner of earlier reports.
JOBS ?= 2
JOB_THREADS ?= 1
reproduce: install
	XRLHF_THREADS=$(JOB_THREADS) $(BIN)/xrlhf reproduce --jobs $(JOBS)

quick: install
	$(BIN)/xrlhf reproduce --quick

# The README's test command. Order: cheap static checks first, then notebooks, then pytest.
test: install browser check nbtest pytest

# Headless Chromium (Debian's package) for the docs-site test.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "warning: could not install chromium; the docs rendering test will be skipped"

# `xrlhf check`: notebooks clean and the library in sync; then the code-quality gate, which prints its findings
# and fails on `;` chains, lines over 120 characters, import cycles, or under 90% of exported names used in notebooks.
check: install
	$(BIN)/xrlhf check
	$(PY) tests/code_quality.py

# The notebook tests. The library notebooks run once, through the docs build (nbdev-test's own cell selection and
# shell, 2 at a time); their executed copies are cached by content (.cache/executed/), so the docs test renders them
# without running them again. index.ipynb is not a docs page of its own: nbdev-test runs it.
nbtest: install
	XRLHF_QUIET=1 $(BIN)/nbdev-test --file-glob index.ipynb
	XRLHF_QUIET=1 $(BIN)/xrlhf docs --out _site

pytest: install
	XRLHF_QUIET=1 $(BIN)/pytest tests

bench: install
	$(BIN)/xrlhf bench

docs: install
	$(BIN)/xrlhf docs

lab: install
	$(BIN)/jupyter lab --notebook-dir=. nbs/index.ipynb

readme: install
	$(BIN)/xrlhf readme

clean:
	rm -rf artifacts _docs site .pytest_cache
