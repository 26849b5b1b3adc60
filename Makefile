# Two commands matter: `make run` (the demo) and `make test` (the whole suite).
# Both create the virtual environment when it is missing and reinstall when
# pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
ifeq ($(OS),Windows_NT)
  BIN := $(VENV)/Scripts
else
  BIN := $(VENV)/bin
endif
STAMP := $(VENV)/.installed.stamp

.PHONY: run test lint bench bench-burst dist dist-test clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,hq,dist]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m hq.demo_office

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench

# The installable program: dist/counter-post/ (PyInstaller, one folder holding counter-app
# and hq-server) and dist/counter-post_VERSION_ARCH.deb (docs/install.md).
dist: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller installer/counter-post.spec
	bash installer/linux/build-deb.sh dist/counter-post dist

# Build it and run it where no virtual environment is (also part of `make test`).
dist-test: $(STAMP)
	$(BIN)/python -m pytest -q tests/integration/test_built_program.py

# The end-of-day burst (about 25 minutes; needs HQ_TEST_POSTGRES_URL): bench/burst.py.
bench-burst: $(STAMP)
	$(BIN)/python -m bench.burst

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
