# Milepost: the two commands of the README's quick start, and their parts.
#   make demo  - install Milepost and open the demo workspace (web + API) on SQLite
#   make test  - install the test tools and run every check and test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test install install-test install-browser install-bench lint typecheck layers pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# with the web pages' front-end packages (htmx, pinned by package-lock.json) from npm
install: $(BIN)/python
	$(PIP) install -e .
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "note: npm is not installed: the web pages run without HTMX and their tests fail (apt-get install npm)" >&2; fi

install-test: install install-browser
	$(PIP) install -e '.[test]'

# $(call debian,PACKAGE,WHAT FOR,WITHOUT IT): install a Debian package whose command of the
# same name is missing, when root; otherwise say what is lost without it.
define debian
	@if command -v $(1) >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's $(1) $(2)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q $(1) >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q $(1) >/dev/null; }; \
	else echo "note: $(1) is not installed and this is not root: $(3) (apt-get install $(1))" >&2; fi
endef

# The browser tests drive Debian's Chromium (never a browser downloaded by Playwright).
install-browser:
	$(call debian,chromium,for the browser tests,the browser tests skip here and fail in CI)

demo: install
	$(BIN)/milepost serve --demo

lint:
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench

typecheck:
	$(BIN)/mypy

layers:
	$(BIN)/lint-imports

pytest:
	scripts/with-test-services $(BIN)/pytest -q

test: install-test lint typecheck layers pytest

# The benchmarks' peers: PyJobShop from PyPI, TaskJuggler's tj3 from Debian (when root).
install-bench: install-test
	$(PIP) install -e '.[test,bench]'
	$(call debian,tj3,(TaskJuggler) for the side-by-side benchmarks,the TaskJuggler comparisons skip)

bench: install-bench
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis node_modules test-artifacts
