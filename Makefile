# 정책 비서 — two commands: `make run` (chat on http://127.0.0.1:7860) and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 7860
INDEX  ?= $(or $(POLICY_INDEX_DIR),.index)

.PHONY: setup index run test lint typecheck pytest browser-deps bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed  ## venv + project + dev tools

index: setup  ## ingest corpus/ into $(INDEX) (incremental: unchanged files cost nothing)
	$(PY) -m assistant ingest corpus --index $(INDEX)

run: index  ## serve the Gradio chat
	$(PY) -m assistant serve --index $(INDEX) --host $(HOST) --port $(PORT)

lint: setup
	$(PY) -m ruff check core assistant ingest evals tests

typecheck: setup
	$(PY) -m mypy core assistant ingest evals

# Debian's Chromium, ChromeDriver and a Korean font for the browser test (no browser download).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
		|| ! ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1; then \
		echo "installing chromium, chromium-driver, fonts-noto-cjk (Debian packages)"; \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; \
	fi

pytest: setup browser-deps
	$(PY) -m pytest

test: lint typecheck pytest  ## ruff, mypy, pytest (includes the eval thresholds and the browser test)

bench: index  ## print ingest and ask timings
	$(PY) evals/bench.py --index $(INDEX)

clean:
	rm -rf $(VENV) .index .pytest_cache .mypy_cache .ruff_cache
