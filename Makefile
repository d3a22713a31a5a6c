# Everything a fresh machine needs: `make sample` (the main job: review the
# embedded sample) and `make test`. Both create the virtual environment on first use.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SYSTEM := $(VENV)/.system

.PHONY: sample test bench bench-web clean

# setup.py builds the optional C kernel (src/jixiao/checks/_textops.c) in place: a changed kernel is rebuilt.
$(STAMP): pyproject.toml setup.py src/jixiao/checks/_textops.c
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# Debian packages (fonts, Chromium, LibreOffice, poppler): installed when root, else a hint.
$(SYSTEM): scripts/system-deps.sh | $(STAMP)
	bash scripts/system-deps.sh
	touch $(SYSTEM)

sample: $(STAMP) $(SYSTEM)
	$(VENV)/bin/jixiao review --sample --fail-on never --report report-sample

test: $(STAMP) $(SYSTEM)
	$(PY) -m pytest

# Benchmarks: reading, scoring, review, PDF, Excel (run.py) and the review report (report_bench.py);
# the web app at 100,000 forms on SQLite and PostgreSQL takes longer: make bench-web.
bench: $(STAMP) $(SYSTEM)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/report_bench.py

bench-web: $(STAMP) $(SYSTEM)
	$(PY) benchmarks/web_bench.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache benchmarks/data
